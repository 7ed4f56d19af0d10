import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { BadInput, BadInputContext } from '../harness/bad-input.js';
import { badInputRows } from '../harness/bad-input.js';
import { deployAction, pluginFiles } from '../harness/plugin.js';

const CONFIG = pluginFiles()['config.yaml']!;

/** config.yaml with `from` replaced by `to` (a line of the suite's config). */
const edit = (from: string, to: string) => ({ files: { 'config.yaml': CONFIG.replace(from, to) } });

/** An action module that leaves a file behind when it is loaded: it must never be. */
const TELLTALE = (marker: string) => `${deployAction()}
import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(marker)}, 'loaded');
`;

/** A module outside the plugin directory that the entrypoint points at. */
function outside(
  id: string,
  entrypoint: (context: BadInputContext, module: string) => string,
): Pick<BadInput, 'prepare' | 'verify'> {
  const marker = (c: BadInputContext) => join(c.scenario.dir, `LOADED-${id}`);
  return {
    prepare: async (c) => {
      const module = join(c.scenario.dir, 'elsewhere', 'evil.ts');
      await mkdir(join(c.scenario.dir, 'elsewhere'), { recursive: true });
      await writeFile(module, TELLTALE(marker(c)));
      const config = CONFIG.replace('actions/deploy.ts:DeployAction', entrypoint(c, module));
      await writeFile(join(c.plugin, 'config.yaml'), config);
    },
    verify: (c) => (existsSync(marker(c)) ? ['the module outside the plugin was loaded'] : []),
  };
}

/** config.yaml missing, unreadable, not YAML, or with fields its schema refuses. */
const INPUTS: BadInput[] = [
  {
    id: 'B030',
    title: 'no config.yaml',
    names: /config\.yaml/,
    plugin: { files: { 'config.yaml': null } },
  },
  {
    id: 'B031',
    title: 'a YAML syntax error',
    names: /config\.yaml.*line \d+/,
    plugin: { files: { 'config.yaml': `${CONFIG}  extra: [unclosed\n` } },
  },
  {
    id: 'B032',
    title: 'a list, not a mapping',
    names: /config\.yaml/,
    plugin: { files: { 'config.yaml': '- name: x\n' } },
  },
  {
    id: 'B033',
    title: 'an empty file',
    names: /config\.yaml/,
    plugin: { files: { 'config.yaml': '' } },
  },
  {
    id: 'B034',
    title: 'no name',
    names: /\bname\b/,
    plugin: edit('name: Reliability model\n', ''),
  },
  { id: 'B035', title: 'no code', names: /\bcode\b/, plugin: edit('code: model\n', '') },
  {
    id: 'B036',
    title: 'a code with a space',
    names: /\bcode\b/,
    plugin: edit('code: model', 'code: my model'),
  },
  { id: 'B037', title: 'no version', names: /\bversion\b/, plugin: edit('version: 1.0.0\n', '') },
  {
    id: 'B038',
    title: 'an empty version',
    names: /\bversion\b/,
    plugin: edit('version: 1.0.0', "version: ''"),
  },
  {
    id: 'B039',
    title: 'a version that YAML reads as a number',
    names: /\bversion\b/,
    plugin: edit('version: 1.0.0', 'version: 1.0'),
  },
  {
    id: 'B040',
    title: 'an unknown category',
    names: /category/,
    plugin: edit('category: neural_net', 'category: neural'),
  },
  {
    id: 'B041',
    title: 'neural_net without data_type',
    names: /data_type/,
    plugin: edit('data_type: text\n', ''),
  },
  {
    id: 'B042',
    title: 'an empty name',
    names: /\bname\b/,
    plugin: edit('name: Reliability model', "name: ''"),
  },
  {
    id: 'B043',
    title: 'no deployment action',
    names: /deployment/,
    plugin: edit('  deployment:\n', '  deploy:\n'),
  },
  {
    id: 'B044',
    title: 'no actions at all',
    names: /deployment|actions/,
    plugin: { files: { 'config.yaml': CONFIG.slice(0, CONFIG.indexOf('actions:')) } },
  },
  {
    id: 'B045',
    title: 'an action without an entrypoint',
    names: /entrypoint/,
    plugin: edit('    entrypoint: actions/deploy.ts:DeployAction\n', ''),
  },
  {
    id: 'B046',
    title: 'an empty entrypoint',
    names: /entrypoint/,
    plugin: edit('actions/deploy.ts:DeployAction', "''"),
  },
  {
    id: 'B047',
    title: 'an entrypoint without an export',
    names: /entrypoint/,
    plugin: edit('actions/deploy.ts:DeployAction', 'actions/deploy.ts'),
  },
  {
    id: 'B048',
    title: 'an entrypoint module that does not exist',
    names: /nope\.ts/,
    plugin: edit('actions/deploy.ts:DeployAction', 'actions/nope.ts:DeployAction'),
  },
  {
    id: 'B049',
    title: 'an entrypoint export that does not exist',
    names: /Nope/,
    plugin: edit('actions/deploy.ts:DeployAction', 'actions/deploy.ts:Nope'),
  },
  {
    id: 'B050',
    title: 'an entrypoint export that is not an action',
    names: /DeployParams/,
    plugin: edit('actions/deploy.ts:DeployAction', 'actions/deploy.ts:DeployParams'),
  },
  {
    id: 'B051',
    title: 'an entrypoint outside the plugin directory (../)',
    names: /entrypoint.*outside|outside.*plugin/,
    ...outside('B051', () => '../elsewhere/evil.ts:DeployAction'),
  },
  {
    id: 'B052',
    title: 'an entrypoint with an absolute path outside the plugin',
    names: /entrypoint.*outside|outside.*plugin/,
    ...outside('B052', (_c, module) => `${module}:DeployAction`),
  },
  {
    id: 'B053',
    title: 'an entrypoint through a symlinked folder that leads outside',
    names: /entrypoint.*outside|outside.*plugin/,
    ...(() => {
      const escape = outside('B053', () => 'linked/evil.ts:DeployAction');
      return {
        prepare: async (c: BadInputContext) => {
          await escape.prepare!(c);
          await symlink(join(c.scenario.dir, 'elsewhere'), join(c.plugin, 'linked'));
        },
        verify: escape.verify!,
      };
    })(),
  },
  {
    id: 'B054',
    title: 'env holding a mapping',
    names: /\benv\b/,
    plugin: edit('category: neural_net', 'category: neural_net\nenv:\n  NESTED:\n    a: 1'),
  },
  {
    id: 'B055',
    title: 'runtime_env a list',
    names: /runtime_env/,
    plugin: edit('category: neural_net', 'category: neural_net\nruntime_env: [pip]'),
  },
  {
    id: 'B056',
    title: 'an unknown package_manager',
    names: /package_manager/,
    plugin: edit('category: neural_net', 'category: neural_net\npackage_manager: conda'),
  },
  {
    id: 'B057',
    title: 'an unknown run method',
    names: /method/,
    plugin: edit('method: job', 'method: cron'),
  },
  {
    id: 'B058',
    title: 'a key given twice',
    names: /config\.yaml/,
    plugin: edit('version: 1.0.0', 'version: 1.0.0\nversion: 2.0.0'),
  },
  {
    id: 'B059',
    title: 'config.yaml is a directory',
    names: /config\.yaml/,
    plugin: { files: { 'config.yaml': null } },
    prepare: ({ plugin }) => mkdir(join(plugin, 'config.yaml')),
  },
  {
    id: 'B060',
    title: 'config.yaml unreadable',
    names: /config\.yaml/,
    unprivileged: true,
    prepare: ({ plugin }) => chmod(join(plugin, 'config.yaml'), 0o000),
  },
  {
    id: 'B061',
    title: 'tasks not a list',
    names: /tasks/,
    plugin: edit('category: neural_net', 'category: neural_net\ntasks: classify'),
  },
  {
    id: 'B062',
    title: "env setting RAY_DASHBOARD_ADDRESS to 'htp:/x'",
    names: /RAY_DASHBOARD_ADDRESS/,
    plugin: edit(
      'category: neural_net',
      'category: neural_net\nenv:\n  RAY_DASHBOARD_ADDRESS: htp:/x',
    ),
    // config.yaml's env is only a default: unset the scenario's own to let it apply.
    env: () => ({ RAY_DASHBOARD_ADDRESS: undefined }),
  },
  {
    id: 'B063',
    title: 'the action module removed after config.yaml named it',
    names: /deploy\.ts/,
    prepare: ({ plugin }) => rm(join(plugin, 'actions', 'deploy.ts')),
  },
];

badInputRows('config.yaml', INPUTS, import.meta.url);
