import { DASHBOARD_WRAPPER_FRAME, formatTraceback, rayFrame } from '../python/traceback.js';

/** The 500 text aiohttp + Ray send when a body exceeds `client_max_size` (100 MiB). */
export function entityTooLargeTraceback(
  handlerFile: string,
  handler: string,
  code: string,
  maxBytes: number,
  actual: number,
): string {
  return formatTraceback(
    [
      DASHBOARD_WRAPPER_FRAME,
      rayFrame(handlerFile, 120, handler, code),
      rayFrame('aiohttp/web_request.py', 663, 'read', 'raise HTTPRequestEntityTooLarge('),
    ],
    'aiohttp.web_exceptions.HTTPRequestEntityTooLarge',
    `Request Entity Too Large (max_size=${maxBytes}, actual_size=${actual})`,
  );
}

/** Python's `JSONDecodeError` text for a body JavaScript's JSON.parse rejected. */
export function jsonDecodeTraceback(body: string, error: Error): string {
  const at = /position (\d+)/.exec(error.message);
  let pos = at?.[1] !== undefined ? Number(at[1]) : 0;
  if (/end of JSON input/.test(error.message))
    pos = body.trim() === '' ? body.length - body.trimStart().length : body.length;
  const before = body.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  const reason = /Unexpected non-whitespace character after JSON/.test(error.message)
    ? 'Extra data'
    : /property name|Expected double-quoted/.test(error.message)
      ? 'Expecting property name enclosed in double quotes'
      : 'Expecting value';
  return formatTraceback(
    [
      DASHBOARD_WRAPPER_FRAME,
      rayFrame(
        'ray/dashboard/modules/serve/serve_head.py',
        178,
        'put_all_applications',
        'config: ServeDeploySchema = ServeDeploySchema.parse_obj(await req.json())',
      ),
      rayFrame('aiohttp/web_request.py', 701, 'json', 'return loads(body)'),
      {
        file: '/home/ray/anaconda3/lib/python3.11/json/__init__.py',
        line: 346,
        func: 'loads',
        code: 'return _default_decoder.decode(s)',
      },
      {
        file: '/home/ray/anaconda3/lib/python3.11/json/decoder.py',
        line: 337,
        func: 'decode',
        code: 'obj, end = self.raw_decode(s, idx=_w(s, 0).end())',
      },
      {
        file: '/home/ray/anaconda3/lib/python3.11/json/decoder.py',
        line: 355,
        func: 'raw_decode',
        code: 'raise JSONDecodeError("Expecting value", s, err.value) from None',
      },
    ],
    'json.decoder.JSONDecodeError',
    `${reason}: line ${line} column ${column} (char ${pos})`,
  );
}

/** The 500 text of an unexpected failure in a dashboard handler. */
export function genericTraceback(
  handlerFile: string,
  handler: string,
  code: string,
  exceptionType: string,
  message: string,
): string {
  return formatTraceback(
    [DASHBOARD_WRAPPER_FRAME, rayFrame(handlerFile, 150, handler, code)],
    exceptionType,
    message,
  );
}
