import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { BadInput } from '../harness/bad-input.js';
import { badInputRows } from '../harness/bad-input.js';

/** `--params` that cannot be read, or that the action's zod schema refuses. */
const INPUTS: BadInput[] = [
  {
    id: 'B001',
    title: 'inline JSON with unquoted keys',
    params: '{num_cpus: 1}',
    names: /--params/,
  },
  {
    id: 'B002',
    title: 'inline JSON with a trailing comma',
    params: '{"num_cpus": 1,}',
    names: /--params/,
  },
  { id: 'B003', title: 'inline JSON cut short', params: '{"num_cpus": ', names: /--params/ },
  { id: 'B004', title: 'an array instead of an object', params: '[1, 2]', names: /params/ },
  { id: 'B005', title: 'a string instead of an object', params: '"fast"', names: /params/ },
  { id: 'B006', title: 'null', params: 'null', names: /params/ },
  { id: 'B007', title: 'num_cpus negative', params: '{"num_cpus": -1}', names: /num_cpus/ },
  { id: 'B008', title: 'num_cpus 0', params: '{"num_cpus": 0}', names: /num_cpus/ },
  { id: 'B009', title: 'num_cpus a string', params: '{"num_cpus": "1"}', names: /num_cpus/ },
  { id: 'B010', title: 'num_cpus a boolean', params: '{"num_cpus": true}', names: /num_cpus/ },
  { id: 'B011', title: 'num_gpus negative', params: '{"num_gpus": -1}', names: /num_gpus/ },
  { id: 'B012', title: 'memory not an integer', params: '{"memory": 1.5}', names: /memory/ },
  { id: 'B013', title: 'memory 0', params: '{"memory": 0}', names: /memory/ },
  {
    id: 'B014',
    title: 'num_gpu, a misspelled num_gpus',
    params: '{"num_gpu": 1}',
    names: /num_gpu\b.*did you mean.*num_gpus/,
  },
  {
    id: 'B015',
    title: 'numcpus, a misspelled num_cpus',
    params: '{"numcpus": 2}',
    names: /numcpus.*did you mean.*num_cpus/,
  },
  {
    id: 'B016',
    title: 'NUM_CPUS in upper case',
    params: '{"NUM_CPUS": 2}',
    names: /NUM_CPUS.*did you mean.*num_cpus/,
  },
  {
    id: 'B017',
    title: 'a key the action does not have',
    params: '{"replicas_max": 3}',
    names: /replicas_max/,
  },
  {
    id: 'B018',
    title: 'num_cpus 1e400 (Infinity)',
    params: '{"num_cpus": 1e400}',
    names: /num_cpus/,
  },
  {
    id: 'B019',
    title: 'two bad fields at once, both named',
    params: '{"num_cpus": -1, "num_gpus": -1}',
    names: /num_cpus.*num_gpus/,
  },
  {
    id: 'B020',
    title: '@file that does not exist',
    params: '@missing-params.json',
    names: /missing-params\.json/,
  },
  {
    id: 'B021',
    title: '@file.json that is not JSON',
    params: '@bad.json',
    names: /bad\.json/,
    prepare: ({ scenario }) => writeFile(join(scenario.dir, 'bad.json'), '{"num_cpus": 1\n'),
  },
  {
    id: 'B022',
    title: '@file.yaml that is not YAML',
    params: '@bad.yaml',
    names: /bad\.yaml/,
    prepare: ({ scenario }) =>
      writeFile(join(scenario.dir, 'bad.yaml'), 'num_cpus: [1\n  num_gpus: 2\n'),
  },
  {
    id: 'B023',
    title: '@file.yaml holding a scalar',
    params: '@scalar.yaml',
    names: /params/,
    prepare: ({ scenario }) => writeFile(join(scenario.dir, 'scalar.yaml'), 'fast\n'),
  },
  {
    id: 'B024',
    title: '@ a directory',
    params: '@a-directory',
    names: /a-directory/,
    prepare: ({ scenario }) => mkdir(join(scenario.dir, 'a-directory')),
  },
  {
    id: 'B025',
    title: '@file.json that is empty',
    params: '@empty.json',
    names: /empty\.json/,
    prepare: ({ scenario }) => writeFile(join(scenario.dir, 'empty.json'), ''),
  },
  { id: 'B026', title: 'an empty --params', params: '', names: /--params/ },
  { id: 'B027', title: '@ with no file name', params: '@', names: /--params/ },
];

badInputRows('params', INPUTS, import.meta.url);
