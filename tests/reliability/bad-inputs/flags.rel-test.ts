import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { BadInput, BadInputContext } from '../harness/bad-input.js';
import { badInputRows } from '../harness/bad-input.js';
import { JOB_ID } from '../harness/scenario.js';

const WRONG_TOKEN = 'rel-wrong-fedcba9876543210fedcba9876';

/** A deploy of the case's plugin with `extra` flags. */
const deployWith =
  (...extra: string[]) =>
  ({ plugin }: BadInputContext): string[] => [
    'plugin',
    'run',
    'deployment',
    '--path',
    plugin,
    ...extra,
  ];

/** Command lines with unknown, missing or malformed flags and arguments. */
const INPUTS: BadInput[] = [
  { id: 'B100', title: 'an unknown flag', names: /--nope/, args: deployWith('--nope') },
  { id: 'B101', title: 'an unknown command', names: /deploy/, args: () => ['plugin', 'deploy'] },
  {
    id: 'B102',
    title: 'plugin run without an action',
    names: /action/,
    args: () => ['plugin', 'run'],
  },
  {
    id: 'B103',
    title: 'an unknown action',
    names: /deploymnt/,
    args: ({ plugin }) => ['plugin', 'run', 'deploymnt', '--path', plugin],
  },
  {
    id: 'B104',
    title: '--path that does not exist',
    names: /no-such-plugin|config\.yaml/,
    args: ({ scenario }) => [
      'plugin',
      'run',
      'deployment',
      '--path',
      join(scenario.dir, 'no-such-plugin'),
    ],
  },
  {
    id: 'B105',
    title: '--path naming a file',
    names: /a-file|config\.yaml/,
    prepare: ({ scenario }) => writeFile(join(scenario.dir, 'a-file'), 'x'),
    args: ({ scenario }) => ['plugin', 'run', 'deployment', '--path', join(scenario.dir, 'a-file')],
  },
  {
    id: 'B106',
    title: "--timeout 'abc'",
    names: /--timeout/,
    args: deployWith('--timeout', 'abc'),
  },
  { id: 'B107', title: '--timeout -5', names: /--timeout/, args: deployWith('--timeout=-5') },
  { id: 'B108', title: '--timeout 0', names: /--timeout/, args: deployWith('--timeout', '0') },
  {
    id: 'B109',
    title: "--timeout '10x'",
    names: /--timeout/,
    args: deployWith('--timeout', '10x'),
  },
  { id: 'B110', title: '--timeout empty', names: /--timeout/, args: deployWith('--timeout', '') },
  {
    id: 'B111',
    title: '--timeout of 100 years',
    names: /--timeout/,
    args: deployWith('--timeout', '876000h'),
  },
  { id: 'B112', title: '-o xml', names: /xml/, args: deployWith('-o', 'xml') },
  {
    id: 'B113',
    title: '--json with -o yaml',
    names: /--json|-o|--output/,
    args: deployWith('--json', '-o', 'yaml'),
  },
  {
    id: 'B114',
    title: "--ray-address 'htp:/x'",
    names: /--ray-address/,
    args: deployWith('--ray-address', 'htp:/x'),
  },
  {
    id: 'B115',
    title: '--ray-address empty',
    names: /--ray-address/,
    args: deployWith('--ray-address', ''),
  },
  {
    id: 'B116',
    title: "--job-id 'abc'",
    names: /--job-id/,
    args: deployWith('--job-id', 'abc'),
    env: () => ({ SYNAPSE_PLUGIN_RELEASE_ID: '41' }),
  },
  {
    id: 'B117',
    title: '--job-id -5',
    names: /--job-id/,
    args: deployWith('--job-id=-5'),
    env: () => ({ SYNAPSE_PLUGIN_RELEASE_ID: '41' }),
  },
  {
    id: 'B118',
    title: '--job-id empty',
    names: /--job-id/,
    args: deployWith('--job-id', ''),
    env: () => ({ SYNAPSE_PLUGIN_RELEASE_ID: '41' }),
  },
  {
    id: 'B119',
    title: '--params without its value',
    names: /--params/,
    args: deployWith('--params'),
  },
  {
    id: 'B120',
    title: '--ray-token wrong',
    exit: [3],
    names: /--ray-token|RAY_AUTH_TOKEN/,
    args: deployWith('--ray-token', WRONG_TOKEN),
    tokens: [WRONG_TOKEN],
  },
  {
    id: 'B121',
    title: '--token wrong with --job-id',
    exit: [3],
    names: /--token|SYNAPSE_ACCESS_TOKEN|backend/,
    args: deployWith('--token', WRONG_TOKEN, '--job-id', JOB_ID),
    env: () => ({ SYNAPSE_PLUGIN_RELEASE_ID: '41' }),
    tokens: [WRONG_TOKEN],
  },
  {
    id: 'B122',
    title: 'serve delete without --yes in a pipe',
    names: /--yes/,
    args: () => ['serve', 'delete', 'bystander'],
  },
  {
    id: 'B123',
    title: 'serve delete of an unknown app',
    names: /nope-app/,
    args: () => ['serve', 'delete', 'nope-app', '--yes'],
  },
  {
    id: 'B124',
    title: 'serve status of an unknown app',
    names: /nope-app/,
    args: () => ['serve', 'status', 'nope-app'],
  },
  {
    id: 'B125',
    title: 'serve plan of a directory without config.yaml',
    names: /config\.yaml/,
    args: ({ scenario }) => ['serve', 'plan', '--path', scenario.dir],
  },
  {
    id: 'B126',
    title: 'an extra positional argument',
    names: /extra|argument/,
    args: deployWith('extra'),
  },
  {
    id: 'B127',
    title: "--agent-host 'htp:/x'",
    names: /--agent-host/,
    args: deployWith('--agent-host', 'htp:/x'),
  },
  {
    id: 'B128',
    title: "--host 'htp:/x' with --job-id",
    names: /--host/,
    args: deployWith('--host', 'htp:/x', '--job-id', JOB_ID),
    env: () => ({ SYNAPSE_PLUGIN_RELEASE_ID: '41' }),
  },
  {
    id: 'B129',
    title: "serve status --ray-address 'htp:/x'",
    names: /--ray-address/,
    args: () => ['serve', 'status', '--ray-address', 'htp:/x'],
  },
  {
    id: 'B130',
    title: "serve delete --timeout 'soon'",
    names: /--timeout/,
    args: () => ['serve', 'delete', 'bystander', '--yes', '--timeout', 'soon'],
  },
];

badInputRows('flags', INPUTS, import.meta.url);
