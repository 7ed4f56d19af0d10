import { RequestValidationError } from '../http/errors.js';
import type { FileBody, HttpClient } from '../http/http-client.js';
import { MAX_PACKAGE_BYTES, packageUriToPath } from './package-uri.js';

/**
 * `GET /api/packages/gcs/<name>`: whether the dashboard's package store holds `uri`
 * (`gcs://_ray_pkg_<hash>.zip`). Ray pins an existing package for about 10 minutes.
 */
export async function hasPackage(
  http: HttpClient,
  uri: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const response = await http.request({
    method: 'GET',
    path: packageUriToPath(uri),
    signal,
    acceptStatuses: [404],
  });
  return response.status !== 404;
}

/**
 * `PUT /api/packages/gcs/<name>`: stores the zip of a working_dir under `uri`, from memory or
 * streamed from a file.
 * @throws RequestValidationError before sending when the zip exceeds the dashboard's 100 MiB cap.
 */
export async function uploadPackage(
  http: HttpClient,
  uri: string,
  zip: Uint8Array | FileBody,
  signal?: AbortSignal,
): Promise<void> {
  const path = packageUriToPath(uri);
  if (zip.byteLength > MAX_PACKAGE_BYTES) {
    throw RequestValidationError.beforeSend(http.callTo('PUT', path), 'package', [
      {
        path: uri,
        message: `the zip is ${(zip.byteLength / 1024 / 1024).toFixed(1)} MiB; the dashboard accepts at most 100 MiB (exclude large files, .git and virtualenvs)`,
      },
    ]);
  }
  await http.request({
    method: 'PUT',
    path,
    body: zip,
    contentType: 'application/zip',
    signal,
  });
}
