import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { BadInput } from '../harness/bad-input.js';
import { badInputRows } from '../harness/bad-input.js';
import { JOB_ID } from '../harness/scenario.js';

const WRONG_TOKEN = 'rel-wrong-0123456789abcdef0123456789';

const dashboard =
  (value: string | undefined): NonNullable<BadInput['env']> =>
  () => ({ RAY_DASHBOARD_ADDRESS: value });

/** Environment variables that are empty, malformed or wrong. */
const INPUTS: BadInput[] = [
  {
    id: 'B070',
    title: 'RAY_DASHBOARD_ADDRESS empty',
    names: /RAY_DASHBOARD_ADDRESS/,
    env: dashboard(''),
  },
  {
    id: 'B071',
    title: "RAY_DASHBOARD_ADDRESS 'htp:/x'",
    names: /RAY_DASHBOARD_ADDRESS/,
    env: dashboard('htp:/x'),
  },
  {
    id: 'B072',
    title: 'RAY_DASHBOARD_ADDRESS ftp://',
    names: /RAY_DASHBOARD_ADDRESS/,
    env: dashboard('ftp://127.0.0.1:8265'),
  },
  {
    id: 'B073',
    title: "RAY_DASHBOARD_ADDRESS 'http://' (no host)",
    names: /RAY_DASHBOARD_ADDRESS/,
    env: dashboard('http://'),
  },
  {
    id: 'B074',
    title: 'RAY_DASHBOARD_ADDRESS with a space',
    names: /RAY_DASHBOARD_ADDRESS/,
    env: dashboard('http://ray head:8265'),
  },
  {
    id: 'B075',
    title: 'RAY_DASHBOARD_ADDRESS port 99999',
    names: /RAY_DASHBOARD_ADDRESS/,
    env: dashboard('http://127.0.0.1:99999'),
  },
  {
    id: 'B076',
    title: 'RAY_DASHBOARD_ADDRESS with a path where no dashboard answers',
    names: /RAY_DASHBOARD_ADDRESS|dashboard/,
    env: ({ scenario }) => ({ RAY_DASHBOARD_ADDRESS: `${scenario.dev.dashboardUrl}/ray/` }),
  },
  {
    id: 'B077',
    title: 'RAY_AUTH_TOKEN wrong',
    exit: [3],
    names: /RAY_AUTH_TOKEN|--ray-token/,
    env: () => ({ RAY_AUTH_TOKEN: WRONG_TOKEN }),
    tokens: [WRONG_TOKEN],
  },
  {
    id: 'B078',
    title: 'RAY_AUTH_TOKEN missing on a cluster with token auth',
    exit: [3],
    names: /RAY_AUTH_TOKEN|--ray-token/,
    env: () => ({ RAY_AUTH_TOKEN: undefined }),
  },
  {
    id: 'B079',
    title: "SYNAPSE_JOB_ID 'abc'",
    names: /SYNAPSE_JOB_ID/,
    env: () => ({ SYNAPSE_JOB_ID: 'abc', SYNAPSE_PLUGIN_RELEASE_ID: '41' }),
  },
  {
    id: 'B080',
    title: "SYNAPSE_JOB_ID '-5'",
    names: /SYNAPSE_JOB_ID/,
    env: () => ({ SYNAPSE_JOB_ID: '-5', SYNAPSE_PLUGIN_RELEASE_ID: '41' }),
  },
  {
    id: 'B081',
    title: "SYNAPSE_JOB_ID '1.5'",
    names: /SYNAPSE_JOB_ID/,
    env: () => ({ SYNAPSE_JOB_ID: '1.5', SYNAPSE_PLUGIN_RELEASE_ID: '41' }),
  },
  {
    id: 'B082',
    title: 'SYNAPSE_JOB_ID blank',
    names: /SYNAPSE_JOB_ID/,
    env: () => ({ SYNAPSE_JOB_ID: '  ', SYNAPSE_PLUGIN_RELEASE_ID: '41' }),
  },
  {
    id: 'B083',
    title: 'a job id without SYNAPSE_PLUGIN_RELEASE_ID',
    names: /SYNAPSE_PLUGIN_RELEASE_ID/,
    env: () => ({ SYNAPSE_JOB_ID: JOB_ID }),
  },
  {
    id: 'B084',
    title: "SYNAPSE_PLUGIN_RELEASE_ID 'x'",
    names: /SYNAPSE_PLUGIN_RELEASE_ID/,
    env: () => ({ SYNAPSE_JOB_ID: JOB_ID, SYNAPSE_PLUGIN_RELEASE_ID: 'x' }),
  },
  {
    id: 'B085',
    title: "SYNAPSE_PLUGIN_RELEASE_ID '-1'",
    names: /SYNAPSE_PLUGIN_RELEASE_ID/,
    env: () => ({ SYNAPSE_JOB_ID: JOB_ID, SYNAPSE_PLUGIN_RELEASE_ID: '-1' }),
  },
  {
    id: 'B086',
    title: "SYNAPSE_HOST 'htp:/x' with a job id",
    names: /SYNAPSE_HOST/,
    scenario: { register: true },
    env: () => ({ SYNAPSE_HOST: 'htp:/x' }),
  },
  {
    id: 'B087',
    title: 'SYNAPSE_HOST empty with a job id',
    names: /SYNAPSE_HOST/,
    scenario: { register: true },
    env: () => ({ SYNAPSE_HOST: '' }),
  },
  {
    id: 'B088',
    title: 'SYNAPSE_ACCESS_TOKEN wrong with a job id',
    exit: [3],
    names: /SYNAPSE_ACCESS_TOKEN|--token|backend/,
    scenario: { register: true },
    env: () => ({ SYNAPSE_ACCESS_TOKEN: WRONG_TOKEN }),
    tokens: [WRONG_TOKEN],
  },
  {
    id: 'B089',
    title: "SYNAPSE_AGENT_HOST 'nope:/'",
    names: /SYNAPSE_AGENT_HOST/,
    env: () => ({ SYNAPSE_AGENT_HOST: 'nope:/' }),
  },
  {
    id: 'B090',
    title: 'SYNAPSE_LOCK_DIR naming a file',
    names: /SYNAPSE_LOCK_DIR/,
    prepare: ({ scenario }) => writeFile(join(scenario.dir, 'not-a-dir'), 'x'),
    env: ({ scenario }) => ({ SYNAPSE_LOCK_DIR: join(scenario.dir, 'not-a-dir') }),
  },
  {
    id: 'B091',
    title: "SYNAPSE_TIMEOUT 'abc'",
    names: /SYNAPSE_TIMEOUT/,
    env: () => ({ SYNAPSE_TIMEOUT: 'abc' }),
  },
  {
    id: 'B092',
    title: "SYNAPSE_TIMEOUT '-1'",
    names: /SYNAPSE_TIMEOUT/,
    env: () => ({ SYNAPSE_TIMEOUT: '-1' }),
  },
  {
    id: 'B093',
    title: "SYNAPSE_TIMEOUT '0'",
    names: /SYNAPSE_TIMEOUT/,
    env: () => ({ SYNAPSE_TIMEOUT: '0' }),
  },
  {
    id: 'B094',
    title: "SYNAPSE_TIMEOUT '10 minutes'",
    names: /SYNAPSE_TIMEOUT/,
    env: () => ({ SYNAPSE_TIMEOUT: '10 minutes' }),
  },
  {
    id: 'B095',
    title: "SYNAPSE_JOB_ID '1e3'",
    names: /SYNAPSE_JOB_ID/,
    env: () => ({ SYNAPSE_JOB_ID: '1e3', SYNAPSE_PLUGIN_RELEASE_ID: '41' }),
  },
  {
    id: 'B160',
    title: 'SYNAPSE_STATE_DIR names a file',
    names: /state directory .*state-file/,
    prepare: async ({ scenario }) => writeFile(join(scenario.dir, 'state-file'), ''),
    env: ({ scenario }) => ({ SYNAPSE_STATE_DIR: join(scenario.dir, 'state-file') }),
  },
  {
    id: 'B161',
    title: 'SYNAPSE_STATE_DIR read-only for the user',
    names: /state directory .*read-only-state/,
    unprivileged: true,
    prepare: async ({ scenario }) => {
      await mkdir(join(scenario.dir, 'read-only-state'));
      await chmod(join(scenario.dir, 'read-only-state'), 0o555);
    },
    env: ({ scenario }) => ({ SYNAPSE_STATE_DIR: join(scenario.dir, 'read-only-state') }),
  },
];

badInputRows('environment', INPUTS, import.meta.url);
