import { chmod, mkdir, open, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { BadInput } from '../harness/bad-input.js';
import { badInputRows } from '../harness/bad-input.js';
import { APP } from '../harness/fault-row.js';
import { deployAction } from '../harness/plugin.js';

const ACTION = deployAction();

/** The suite's action with `from` replaced by `to`. */
const action = (from: string, to: string) => ({
  files: { 'actions/deploy.ts': ACTION.replace(from, to) },
});

/** A plugin directory whose content cannot be deployed, or whose code fails before deploying. */
const INPUTS: BadInput[] = [
  {
    id: 'B140',
    title: 'the serve module missing',
    names: /serve_app/,
    plugin: { files: { 'serve_app.py': null } },
  },
  {
    id: 'B141',
    title: 'a serve entrypoint without a class',
    names: /entrypoint|serve_app/,
    plugin: action("entrypoint = 'serve_app:Model'", "entrypoint = 'serve_app'"),
  },
  {
    id: 'B142',
    title: 'a serve entrypoint that is not a Python module path',
    names: /serve-app/,
    plugin: action("entrypoint = 'serve_app:Model'", "entrypoint = 'serve-app:Model'"),
  },
  {
    id: 'B143',
    title: 'a serve entrypoint whose class is not in the module',
    names: /Missing|serve_app/,
    plugin: action("entrypoint = 'serve_app:Model'", "entrypoint = 'serve_app:Missing'"),
  },
  {
    id: 'B144',
    title: 'an unreadable file',
    names: /weights\.bin/,
    unprivileged: true,
    prepare: async ({ plugin }) => {
      await writeFile(join(plugin, 'weights.bin'), 'secret weights');
      await chmod(join(plugin, 'weights.bin'), 0o000);
    },
  },
  {
    id: 'B145',
    title: 'an unreadable directory',
    names: /data/,
    unprivileged: true,
    prepare: async ({ plugin }) => {
      await mkdir(join(plugin, 'data'));
      await writeFile(join(plugin, 'data', 'labels.txt'), 'a\nb\n');
      await chmod(join(plugin, 'data'), 0o000);
    },
  },
  {
    id: 'B146',
    title: 'a dangling symlink',
    names: /dangling\.txt/,
    prepare: ({ plugin }) => symlink(join(plugin, 'gone.txt'), join(plugin, 'dangling.txt')),
  },
  {
    id: 'B147',
    title: 'a symlink to a file outside the plugin',
    names: /escape\.txt|outside/,
    prepare: async ({ plugin, scenario }) => {
      await writeFile(join(scenario.dir, 'outside.txt'), 'not ours');
      await symlink(join(scenario.dir, 'outside.txt'), join(plugin, 'escape.txt'));
    },
  },
  {
    id: 'B148',
    title: 'a symlink loop',
    names: /loop-a\.txt|loop-b\.txt/,
    prepare: async ({ plugin }) => {
      await symlink(join(plugin, 'loop-b.txt'), join(plugin, 'loop-a.txt'));
      await symlink(join(plugin, 'loop-a.txt'), join(plugin, 'loop-b.txt'));
    },
  },
  {
    id: 'B149',
    title: 'setupSteps that throws',
    names: /setupSteps/,
    plugin: action(
      'registry.register(new InitializeRayStep());',
      "throw new Error('no steps today');",
    ),
  },
  {
    id: 'B150',
    title: 'an action module with a syntax error',
    names: /deploy\.ts/,
    plugin: action('export class DeployAction', 'export class DeployAction {{'),
  },
  {
    id: 'B151',
    title: 'an action module that throws when loaded',
    names: /deploy\.ts/,
    plugin: { files: { 'actions/deploy.ts': `${ACTION}\nthrow new Error('broken at load');\n` } },
  },
  {
    id: 'B152',
    title: 'an action module importing a package that is not installed',
    names: /left-pad/,
    plugin: { files: { 'actions/deploy.ts': `import 'left-pad';\n${ACTION}` } },
  },
  {
    id: 'B153',
    title: 'a package over the 100 MiB upload limit',
    names: /100 MiB|weights/,
    prepare: async ({ plugin }) => {
      // Sparse: 101 MiB to package, nothing written to disk.
      const file = await open(join(plugin, 'weights.safetensors'), 'w');
      await file.truncate(101 * 1024 * 1024);
      await file.close();
    },
  },
  {
    id: 'B154',
    title: '.gitignore leaving the serve module out',
    names: /serve_app/,
    plugin: { files: { '.gitignore': 'serve_app.py\n' } },
  },
  {
    id: 'B155',
    title: 'a containerModules export that is not a module',
    names: /containerModules/,
    plugin: {
      files: { 'actions/deploy.ts': `${ACTION}\nexport const containerModules = [42];\n` },
    },
  },
  {
    id: 'B156',
    title: 'an app of the same name started imperatively (serve.run)',
    names: new RegExp(
      `${APP.replace('.', '\\.')}.*imperativ|imperativ.*${APP.replace('.', '\\.')}`,
    ),
    prepare: ({ scenario }) => scenario.dev.control.seedImperativeApp({ name: APP }),
  },
  {
    id: 'B157',
    title: 'an empty plugin directory',
    names: /config\.yaml/,
    prepare: async ({ scenario }) => void (await mkdir(join(scenario.dir, 'empty'))),
    args: ({ scenario }) => ['plugin', 'run', 'deployment', '--path', join(scenario.dir, 'empty')],
  },
  {
    id: 'B158',
    title: 'runtime_env pip not a list in config.yaml',
    names: /runtime_env/,
    prepare: async ({ plugin }) => {
      const { readFile } = await import('node:fs/promises');
      const config = await readFile(join(plugin, 'config.yaml'), 'utf8');
      await writeFile(
        join(plugin, 'config.yaml'),
        config.replace('category: neural_net', 'category: neural_net\nruntime_env:\n  pip: 42'),
      );
    },
  },
  {
    id: 'B159',
    title: 'a paramsSchema that is not a zod schema',
    names: /paramsSchema/,
    plugin: action(
      'static override paramsSchema = DeployParams;',
      'static override paramsSchema = { num_cpus: 1 } as never;',
    ),
  },
];

badInputRows('plugin directory', INPUTS, import.meta.url);
