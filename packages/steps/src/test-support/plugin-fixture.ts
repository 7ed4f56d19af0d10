import type { PluginDir } from '@synapse-sdk/test-kit';
import { writePluginDir } from '@synapse-sdk/test-kit';

/** Files of a small plugin: config.yaml, a Python serve module and requirements.txt. */
export const PLUGIN_FILES: Readonly<Record<string, string>> = {
  'config.yaml': [
    'name: Test Model',
    'code: test-model',
    'version: 1.0.0',
    'category: neural_net',
    'data_type: image',
    'actions:',
    '  deployment:',
    '    entrypoint: actions/deploy.ts:DeployAction',
    '    method: job',
    '',
  ].join('\n'),
  'serve_app.py': [
    'class Model:',
    '    def __init__(self, backend_url):',
    '        self.backend_url = backend_url',
    '',
    '    async def __call__(self, request):',
    '        return {"ok": True}',
    '',
    '',
    'class BrokenModel(Model):',
    '    def __init__(self, backend_url):',
    '        raise RuntimeError("weights not found")',
    '',
  ].join('\n'),
  'requirements.txt':
    '# runtime deps\nnumpy==2.1.0\n--extra-index-url https://example.org/simple\n',
};

/** Writes {@link PLUGIN_FILES} (with `extra`) to a new directory; `remove()` deletes it. */
export function createPluginDir(extra: Readonly<Record<string, string>> = {}): Promise<PluginDir> {
  return writePluginDir({ ...PLUGIN_FILES, ...extra });
}
