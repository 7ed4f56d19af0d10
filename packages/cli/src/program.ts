import { Argument, Command, CommanderError, Option } from 'commander';

import type { CliIo } from './cli-io.js';
import type { CompletionShell } from './commands/completion.js';
import type { ExitCode } from './exit-codes.js';
import { EXIT_CODES } from './exit-codes.js';
import { CONFIG_FLAGS } from './options/config-flags.js';
import { jsonOption, machineFormatInArgv, outputOption } from './options/output-format.js';
import { timeoutOption } from './options/timeout-option.js';

// Only commander is imported up front: `synapse --help` must start fast, so every command
// imports its (heavy) modules when it runs.

const ROOT_HELP = `
Exit codes:
  0    success (also "no" at a confirmation prompt: nothing was changed)
  1    failure after work began (what the run changed was rolled back)
  2    bad input: usage, params, config.yaml, plugin code or package, found before anything
       was changed (nothing was sent, or what ran was rolled back)
  3    a service could not be reached or refused the credentials (nothing was changed)
  4    a rollback failed: the cluster may not be as it was before the run
       (check 'synapse serve status')
  124  --timeout elapsed; what ran was rolled back
  130  cancelled (Ctrl-C); what ran was rolled back

Environment:
  RAY_DASHBOARD_ADDRESS, RAY_AUTH_TOKEN, SYNAPSE_HOST, SYNAPSE_ACCESS_TOKEN,
  SYNAPSE_AGENT_HOST, SYNAPSE_AGENT_TOKEN, SYNAPSE_JOB_ID (flags override them)

Start here:
  synapse plugin init my-plugin                 # a plugin that deploys as it is
  synapse plugin check --path my-plugin         # config.yaml and TypeScript, against the SDK
  synapse dev                                   # local Ray dashboard + Synapse simulator
  synapse plugin run deployment --path my-plugin
`;

/**
 * Runs the `synapse` command with `argv` (the arguments after the program name) and resolves
 * with its exit code. Never throws for a user error: it is printed on `io.stderr`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  argv = versionFlagAsCommand(argv);
  let exitCode: ExitCode = EXIT_CODES.OK;
  const machineFormat = machineFormatInArgv(argv);
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed') {
      return EXIT_CODES.OK;
    }
    if (machineFormat !== undefined) {
      const message = error.message
        .replace(/^error:\s*/, '')
        .replace(/\s+/g, ' ')
        .trim();
      const { writeEnvelope } = await import('./render/write-document.js');
      writeEnvelope(io.stdout, machineFormat, { ok: false, error: { code: 'USAGE', message } });
    }
    return EXIT_CODES.USAGE;
  }
  return exitCode;
}

/** The commander program of `synapse`; `setExit` receives each command's exit code. */
export function buildProgram(io: CliIo, setExit: (code: ExitCode) => void): Command {
  const program = buildCommands(io, setExit);
  addCompletionCommands(program, io, () => buildCommands(io, () => undefined), setExit);
  return program;
}

/** Every command of `synapse` but the completion ones, which read this tree. */
function buildCommands(io: CliIo, setExit: (code: ExitCode) => void): Command {
  const program = new Command('synapse')
    .description('Run Synapse plugin actions and deploy inference endpoints to Ray Serve.')
    .option(
      '-V, --version',
      "the SDK's version, and the cluster's Ray version when one is configured",
    )
    .addHelpText('after', ROOT_HELP)
    // Root options before the command only: `--version` after a command is that command's.
    .enablePositionalOptions()
    .showSuggestionAfterError(true);
  configure(program, io, 'synapse');

  const plugin = program.command('plugin').description('create, check and run plugins');
  configure(plugin, io, 'synapse plugin');
  const run = plugin
    .command('run')
    .description('load a plugin directory and run one of its actions')
    .argument('<action>', 'action name under actions: in config.yaml, e.g. deployment')
    .option('--path <dir>', 'plugin directory (holds config.yaml)', '.')
    .option('--params <json|@file>', 'params as JSON, or @file.json / @file.yaml')
    .addOption(
      outputOption(
        ['text', 'json', 'yaml', 'ndjson'],
        'json: one object {"ok": true, "result": …} or {"ok": false, "error": …}; yaml: the same; ndjson: one JSON event per line as the run goes, the result last',
      ),
    )
    .addOption(jsonOption())
    .addOption(timeoutOption('the run is cancelled and what ran is rolled back'))
    .option(
      '--no-journal',
      'do not record the run in the state directory (no runs show, resume or rollback of it)',
    )
    .option(
      '--no-wait',
      'refuse at once, naming it, when another deploy of the same app or run of the same job runs (env SYNAPSE_NO_WAIT); by default the run waits its turn',
    )
    .option('--verbose', 'debug logs and stack traces');
  addConfigFlags(run);
  configure(run, io, 'synapse plugin run');
  run.action(async (action: string, options: Record<string, unknown>) => {
    const { pluginRun } = await import('./commands/plugin-run.js');
    setExit(await pluginRun(action, options, io));
  });

  const init = plugin
    .command('init')
    .description(
      'write a new plugin (config.yaml, a step-mode deployment action, a Python serve class, tsconfig.json, .gitignore) that deploys as it is',
    )
    .argument('[dir]', 'where to write it; its name becomes the plugin code', '.')
    .addOption(
      outputOption(
        ['text', 'json', 'yaml'],
        'json, yaml: {"ok": true, "result": {"dir", "code", "files"}}',
      ),
    )
    .addOption(jsonOption());
  configure(init, io, 'synapse plugin init');
  init.action(async (dir: string, options: Record<string, unknown>) => {
    const { pluginInit } = await import('./commands/plugin-init.js');
    setExit(await pluginInit(dir, options, io));
  });

  const check = plugin
    .command('check')
    .description(
      "validate config.yaml and type-check the plugin's TypeScript against the SDK's types",
    )
    .option('--path <dir>', 'plugin directory (holds config.yaml)', '.')
    .addOption(
      outputOption(
        ['text', 'json', 'yaml'],
        'json, yaml: {"ok": true, "result": {"dir", "actions", "files"}} or {"ok": false, "error": {"problems": [{"file", "line", "column", "message"}]}}',
      ),
    )
    .addOption(jsonOption());
  configure(check, io, 'synapse plugin check');
  check.action(async (options: Record<string, unknown>) => {
    const { pluginCheck } = await import('./commands/plugin-check.js');
    setExit(await pluginCheck(options, io));
  });

  const serve = program.command('serve').description('inspect and change Ray Serve applications');
  configure(serve, io, 'synapse serve');
  const status = serve
    .command('status')
    .description('show applications, their deployments and replicas')
    .argument('[app]', 'only this application')
    .addOption(
      outputOption(
        ['text', 'json', 'yaml'],
        'json, yaml: the details as the Ray dashboard returns them',
      ),
    )
    .addOption(jsonOption())
    .option('--verbose', 'debug logs and stack traces');
  addConfigFlags(status, RAY_FLAG_KEYS);
  configure(status, io, 'synapse serve status');
  status.action(async (app: string | undefined, options: Record<string, unknown>) => {
    const { serveStatus } = await import('./commands/serve-status.js');
    setExit(await serveStatus(app, options, io));
  });

  const plan = serve
    .command('plan')
    .description('show what deploying a plugin would change, without changing anything')
    .option('--path <dir>', 'plugin directory (holds config.yaml)', '.')
    .option('--action <name>', 'the deployment action in config.yaml', 'deployment')
    .option('--params <json|@file>', 'params as JSON, or @file.json / @file.yaml')
    .addOption(outputOption(['text', 'json', 'yaml'], 'json, yaml: {"ok": true, "result": <plan>}'))
    .addOption(jsonOption())
    .option(
      '--detailed-exitcode',
      'exit 0 when a deploy would send nothing, 2 when it would change something, 1 on any error',
    )
    .option('--verbose', 'debug logs and stack traces');
  addConfigFlags(plan);
  configure(plan, io, 'synapse serve plan');
  plan.action(async (options: Record<string, unknown>) => {
    const { servePlan } = await import('./commands/serve-plan.js');
    setExit(await servePlan(options, io));
  });

  const remove = serve
    .command('delete')
    .description('remove one application; every other application is kept')
    .argument('<app>', 'application name')
    .option('-y, --yes', 'do not ask for confirmation')
    .addOption(
      outputOption(
        ['text', 'json', 'yaml'],
        'json, yaml: {"ok": true, "result": {"removed", "kept"}}',
      ),
    )
    .addOption(jsonOption())
    .option('--verbose', 'debug logs and stack traces');
  addConfigFlags(remove, RAY_FLAG_KEYS);
  configure(remove, io, 'synapse serve delete');
  remove.action(async (app: string, options: Record<string, unknown>) => {
    const { serveDelete } = await import('./commands/serve-delete.js');
    setExit(await serveDelete(app, options, io));
  });

  const history = serve
    .command('history')
    .description(
      'the revisions of an application deployed through synapse (from the journal), the live one marked',
    )
    .argument('<app>', 'application name')
    .addOption(
      outputOption(
        ['text', 'json', 'yaml'],
        'json, yaml: {"ok": true, "result": {"app", "address", "revisions", "live", "drift"}}',
      ),
    )
    .addOption(jsonOption())
    .option('--verbose', 'debug logs and stack traces');
  addConfigFlags(history, RAY_FLAG_KEYS);
  configure(history, io, 'synapse serve history');
  history.action(async (app: string, options: Record<string, unknown>) => {
    const { serveHistory } = await import('./commands/serve-history.js');
    setExit(await serveHistory(app, options, io));
  });

  const rollback = serve
    .command('rollback')
    .description(
      'deploy an earlier revision of an application again (plan shown, wait for RUNNING, restored on failure)',
    )
    .argument('<app>', 'application name')
    .option(
      '--to <rev>',
      'the revision (REV in synapse serve history); default: the one before the live one',
    )
    .option('-y, --yes', 'do not ask for confirmation')
    .addOption(
      outputOption(
        ['text', 'json', 'yaml'],
        'json, yaml: {"ok": true, "result": {"app", "from", "to", "runId"}}',
      ),
    )
    .addOption(jsonOption())
    .option('--verbose', 'debug logs and stack traces');
  addConfigFlags(rollback, RAY_FLAG_KEYS);
  configure(rollback, io, 'synapse serve rollback');
  rollback.action(async (app: string, options: Record<string, unknown>) => {
    const { serveRollback } = await import('./commands/serve-rollback.js');
    setExit(await serveRollback(app, options, io));
  });

  const runs = program
    .command('runs')
    .description('the journal of runs: list them, show one, resume or roll one back');
  configure(runs, io, 'synapse runs');
  const runsListCommand = runs
    .command('list')
    .description('the runs recorded in the state directory (SYNAPSE_STATE_DIR), newest first')
    .addOption(
      outputOption(
        ['text', 'json', 'yaml'],
        'json, yaml: {"ok": true, "result": {"location", "runs"}}',
      ),
    )
    .addOption(jsonOption())
    .option('--verbose', 'stack traces');
  configure(runsListCommand, io, 'synapse runs list');
  runsListCommand.action(async (options: Record<string, unknown>) => {
    const { runsList } = await import('./commands/runs-list.js');
    setExit(await runsList(options, io));
  });
  const runsShowCommand = runs
    .command('show')
    .description('what each step of a run did, and what resuming it would do')
    .argument('<id>', 'run id, or a unique prefix of it (see synapse runs list)')
    .addOption(outputOption(['text', 'json', 'yaml'], 'json, yaml: {"ok": true, "result": <run>}'))
    .addOption(jsonOption())
    .option('--verbose', 'stack traces');
  configure(runsShowCommand, io, 'synapse runs show');
  runsShowCommand.action(async (id: string, options: Record<string, unknown>) => {
    const { runsShow } = await import('./commands/runs-show.js');
    setExit(await runsShow(id, options, io));
  });

  const runsResumeCommand = runs
    .command('resume')
    .description(
      'continue an interrupted or failed run without running again the steps that succeeded',
    )
    .argument('<id>', 'run id, or a unique prefix of it (see synapse runs list)')
    .addOption(
      outputOption(['text', 'json', 'yaml', 'ndjson'], 'the same output as synapse plugin run'),
    )
    .addOption(jsonOption())
    .addOption(timeoutOption('the resumed run is cancelled and what it ran is rolled back'))
    .option('--verbose', 'debug logs and stack traces');
  addConfigFlags(runsResumeCommand);
  configure(runsResumeCommand, io, 'synapse runs resume');
  runsResumeCommand.action(async (id: string, options: Record<string, unknown>) => {
    const { runsResume } = await import('./commands/runs-resume.js');
    setExit(await runsResume(id, options, io));
  });
  const runsRollbackCommand = runs
    .command('rollback')
    .description(
      'undo what a run changed (and finish an interrupted rollback): the cluster as it was before the run',
    )
    .argument('<id>', 'run id, or a unique prefix of it (see synapse runs list)')
    .option('-y, --yes', 'do not ask for confirmation')
    .addOption(
      outputOption(
        ['text', 'json', 'yaml'],
        'json, yaml: {"ok": true, "result": {"runId", "undone", "passedOver"}}',
      ),
    )
    .addOption(jsonOption())
    .option('--verbose', 'debug logs and stack traces');
  addConfigFlags(runsRollbackCommand);
  configure(runsRollbackCommand, io, 'synapse runs rollback');
  runsRollbackCommand.action(async (id: string, options: Record<string, unknown>) => {
    const { runsRollback } = await import('./commands/runs-rollback.js');
    setExit(await runsRollback(id, options, io));
  });

  const versionCommand = program
    .command('version')
    .description(
      "print the SDK's version and, when a cluster is configured (--ray-address or RAY_DASHBOARD_ADDRESS), its Ray version",
    )
    .addOption(outputOption(['text', 'json', 'yaml'], 'json, yaml: {"sdk", "node", "ray"}'))
    .addOption(jsonOption());
  addConfigFlags(versionCommand, RAY_FLAG_KEYS);
  configure(versionCommand, io, 'synapse version');
  versionCommand.action(async (options: Record<string, unknown>) => {
    const { version } = await import('./commands/version.js');
    setExit(await version(options, io));
  });

  const jobs = program.command('jobs').description('inspect and stop Ray jobs');
  configure(jobs, io, 'synapse jobs');
  const jobsListCommand = jobs
    .command('list')
    .description('list the Ray jobs of the cluster')
    .addOption(
      outputOption(
        ['text', 'json', 'yaml'],
        'json, yaml: the jobs as the Ray dashboard returns them',
      ),
    )
    .addOption(jsonOption())
    .option('--verbose', 'debug logs and stack traces');
  addConfigFlags(jobsListCommand, RAY_FLAG_KEYS);
  configure(jobsListCommand, io, 'synapse jobs list');
  jobsListCommand.action(async (options: Record<string, unknown>) => {
    const { jobsList } = await import('./commands/jobs-list.js');
    setExit(await jobsList(options, io));
  });
  const jobsLogsCommand = jobs
    .command('logs')
    .description("print a Ray job's logs")
    .argument('<id>', 'submission id (see synapse jobs list)')
    .option(
      '-f, --follow',
      'keep printing until the job ends (Ctrl-C stops following, not the job)',
    )
    .option('--verbose', 'debug logs and stack traces');
  addConfigFlags(jobsLogsCommand, RAY_FLAG_KEYS);
  configure(jobsLogsCommand, io, 'synapse jobs logs');
  jobsLogsCommand.action(async (id: string, options: Record<string, unknown>) => {
    const { jobsLogs } = await import('./commands/jobs-logs.js');
    setExit(await jobsLogs(id, options, io));
  });
  const jobsStopCommand = jobs
    .command('stop')
    .description('stop a Ray job and wait until it has ended')
    .argument('<id>', 'submission id (see synapse jobs list)')
    .addOption(
      outputOption(
        ['text', 'json', 'yaml'],
        'json, yaml: {"ok": true, "result": {"submissionId", "status"}}',
      ),
    )
    .addOption(jsonOption())
    .option('--verbose', 'debug logs and stack traces');
  addConfigFlags(jobsStopCommand, RAY_FLAG_KEYS);
  configure(jobsStopCommand, io, 'synapse jobs stop');
  jobsStopCommand.action(async (id: string, options: Record<string, unknown>) => {
    const { jobsStop } = await import('./commands/jobs-stop.js');
    setExit(await jobsStop(id, options, io));
  });

  const devCommand = program
    .command('dev')
    .description(
      'start the local simulator (Ray dashboard, Serve proxy, Synapse backend and agent)',
    )
    .option('--dashboard-port <n>', 'Ray dashboard port (0 = any free port)', '8265')
    .option('--serve-port <n>', 'Serve proxy port', '8000')
    .option('--backend-port <n>', 'Synapse backend port', '8266')
    .option('--agent-port <n>', 'Synapse agent port', '8267')
    .option('--token <t>', 'require this token on the dashboard, backend and agent')
    .option('--state <file>', 'keep apps, packages and records in this JSON file across restarts')
    .option('--verbose', 'log every request');
  configure(devCommand, io, 'synapse dev');
  devCommand.action(async (options: Record<string, unknown>) => {
    const { dev } = await import('./commands/dev.js');
    setExit(await dev(options, io));
  });

  return program;
}

/**
 * `synapse [--ray-address URL] --version [-o json]` as `synapse version …`: commander's own
 * version flag prints a constant and exits, while the Ray version needs the connection flags
 * and a request. Only a flag given to `synapse` itself, before any command, is rewritten.
 */
function versionFlagAsCommand(argv: readonly string[]): readonly string[] {
  const at = argv.findIndex((arg) => arg === '-V' || arg === '--version');
  if (at === -1) return argv;
  for (let i = 0; i < at; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) return argv; // a command comes first: the flag is its own
    if (VALUE_FLAGS.has(arg)) i++;
  }
  return ['version', ...argv.slice(0, at), ...argv.slice(at + 1)];
}

const VALUE_FLAGS: ReadonlySet<string> = new Set([
  '--ray-address',
  '--ray-token',
  '-o',
  '--output',
]);

/**
 * `synapse completion <shell>` (the script to source) and the hidden `synapse complete --
 * <words>` that the script calls at each Tab; both read the command tree that `tree()` builds.
 */
function addCompletionCommands(
  program: Command,
  io: CliIo,
  tree: () => Command,
  setExit: (code: ExitCode) => void,
): void {
  const script = program
    .command('completion')
    .description('print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      `
Load it in the current shell, or add the line to your shell's startup file:
  bash  source <(synapse completion bash)         # needs the bash-completion package
  zsh   source <(synapse completion zsh)
  fish  synapse completion fish | source`,
    )
    .action(async (shell: CompletionShell) => {
      const { completion } = await import('./commands/completion.js');
      setExit(await completion(tree(), { shell }));
    });
  configure(script, io, 'synapse completion');
  program
    .command('complete', { hidden: true })
    .description('print the completions of a partly typed command line (for the shell scripts)')
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      const { completion } = await import('./commands/completion.js');
      setExit(await completion(tree(), { words }));
    });
}

// The serve commands talk to the Ray dashboard only: the Synapse and job flags would do nothing.
const RAY_FLAG_KEYS: ReadonlySet<string> = new Set(['rayAddress', 'rayToken']);

function addConfigFlags(command: Command, only?: ReadonlySet<string>): void {
  for (const flag of CONFIG_FLAGS) {
    if (only && !only.has(flag.key)) continue;
    command.addOption(new Option(flag.flags, flag.description).helpGroup('Connection options:'));
  }
}

/** Errors on one line with a pointer to the command's help; exit codes through exceptions. */
function configure(command: Command, io: CliIo, name: string): void {
  command.exitOverride().configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
    outputError: (text, write) => {
      const line = text.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
      write(`${line}. Run '${name} --help' for usage.\n`);
    },
  });
}
