// The `seam` command: a table of verbs, each in its own file, imported only when run.
// Exit codes live here and nowhere else: 0 ok, 1 verdict failed, 2 usage or input error.
import { Command, CommanderError, Option } from 'commander';
import { exitCodeFor, SeamError, UsageError } from '../errors.js';
import { colour } from './output.js';

export const VERSION = '0.1.0';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`port "${value}" is not a number from 0 to 65535`);
  return n;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`"${value}" is not a positive number`);
  return n;
}

export function buildProgram(): Command {
  const program = new Command('seam')
    .description('Contract tests and mock servers for API connectors; judges how a connector behaves when its partner misbehaves.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (text, write) => write(colour.red(text, process.stderr)) });

  program
    .command('record')
    .description('Record traffic through a reverse proxy into recordings/<partner>/<session>/, redacted before it is written.')
    .argument('<partner>', 'partner name (folder under recordings/)')
    .option('--target <url>', 'the partner base URL to forward to (outbound recording)')
    .option('--inbound', 'record webhook deliveries on their way to a connector (needs --forward)')
    .option('--forward <url>', 'with --inbound: the connector URL deliveries are forwarded to')
    .addOption(new Option('--port <n>', 'port to listen on (0 = any free port)').default(8787).argParser(parsePort))
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--session <name>', 'session folder name (default: the start time, e.g. 20261122-195301)')
    .option('--recordings <dir>', 'recordings root', 'recordings')
    .addOption(new Option('--timeout <ms>', 'give up on the partner after this long (→ 502)').default(30_000).argParser(parsePositive))
    .addOption(new Option('--max-body <bytes>', 'store bodies up to this size; larger ones as size + sha256').default(64 * 1024 * 1024).argParser(parsePositive))
    .option('--config <file>', 'seam config file (default: seam.config.json|yaml in the current directory)')
    .option('--json', 'log each exchange as a JSON line instead of text')
    .action(async (partner: string, options) => (await import('./record.js')).run(partner, options));

  program
    .command('scan')
    .description('Look for secrets and personal data in recordings, mocks and contracts. Exit 1 on any finding.')
    .argument('[paths...]', 'files or folders to scan', ['recordings', 'mocks', 'contracts'])
    .option('--config <file>', 'seam config file (allow-list under scan.allow)')
    .option('--json', 'print findings as JSON')
    .action(async (paths: string[], options) => (await import('./scan.js')).run(paths, options));

  const importCmd = program.command('import').description('Import traffic from other formats.');
  importCmd
    .command('har')
    .description('Import a HAR 1.2 file as a recording session (redacted on the way in).')
    .argument('<file>', 'the HAR file')
    .requiredOption('--partner <name>', 'partner name')
    .option('--session <name>', 'session name (default: the HAR file name)')
    .option('--recordings <dir>', 'recordings root', 'recordings')
    .option('--config <file>', 'seam config file')
    .option('--json', 'print the written files as JSON')
    .action(async (file: string, options) => (await import('./import-har.js')).run(file, options));

  const exportCmd = program.command('export').description('Export recordings to other formats.');
  exportCmd
    .command('har')
    .description('Export recordings as HAR 1.2.')
    .requiredOption('--partner <name>', 'partner name')
    .option('--session <name>', 'only this session')
    .option('--recordings <dir>', 'recordings root', 'recordings')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (options) => (await import('./export-har.js')).run(options));

  const generateCmd = program.command('generate').description('Generate artefacts from recordings.');
  generateCmd
    .command('mocks')
    .description('Write WireMock mappings for a partner from its recordings to mocks/<partner>/wiremock (loadable with --root-dir).')
    .argument('<partner>', 'partner name')
    .option('--recordings <dir>', 'recordings root', 'recordings')
    .option('--session <name>', 'only this session')
    .option('--out <dir>', 'WireMock root dir to write (default: mocks/<partner>/wiremock)')
    .option('--json', 'print the written files as JSON')
    .action(async (partner: string, options) => (await import('./generate-mocks.js')).run(partner, options));

  program
    .command('mock')
    .description('Serve a local mock of a partner from its recordings (or its spec), with a request log, live reload and an admin API under /__seam/.')
    .argument('<partner>', 'partner name (folder under recordings/, spec at contracts/<partner>/openapi.json|yaml)')
    .addOption(new Option('--engine <name>', 'engine to serve with').choices(['embedded', 'wiremock', 'prism']).default('embedded'))
    .addOption(new Option('--runtime <runtime>', "--engine wiremock: the local jar on java, or the official image through a container runtime").choices(['java', 'container']).default('java'))
    .addOption(new Option('--port <n>', 'port to listen on (0 = any free port)').default(0).argParser(parsePort))
    .addOption(new Option('--from <source>', 'build stubs from recordings or from the spec (default: recordings; spec with --engine prism)').choices(['recordings', 'spec']))
    .option('--recordings <dir>', 'recordings root', 'recordings')
    .option('--session <name>', 'only this session')
    .option('--spec <file>', 'the OpenAPI spec (default: contracts/<partner>/openapi.json|yaml when it exists)')
    .option('--json', 'log JSON lines (listening, request, reloaded, stopped) instead of text')
    .action(async (partner: string, options) => (await import('./mock.js')).run(partner, options));

  program
    .command('validate')
    .description("Check every recorded exchange of a partner against its OpenAPI spec: request (parameters, body) and response (status, headers, body). Exit 1 on any violation.")
    .argument('<partner>', 'partner name (folder under recordings/, spec at contracts/<partner>/openapi.json|yaml)')
    .option('--recordings <dir>', 'recordings root', 'recordings')
    .option('--session <name>', 'only this session')
    .option('--spec <file>', 'the OpenAPI spec (default: contracts/<partner>/openapi.json|yaml)')
    .option('--json', 'print the violations as JSON')
    .action(async (partner: string, options) => (await import('./validate.js')).run(partner, options));

  const contractCmd = program.command('contract').description('Pact contracts: generated from recordings, verified against a provider or the partner spec.');
  contractCmd
    .command('generate')
    .description('Write a Pact V4 file for <consumer> and <partner> from the recordings, with inferred matchers, to contracts/<partner>/pacts/<consumer>-<partner>.json.')
    .argument('<partner>', 'partner name (the provider)')
    .requiredOption('--consumer <name>', 'the consumer (connector) name')
    .option('--recordings <dir>', 'recordings root', 'recordings')
    .option('--session <name>', 'only this session')
    .option('--spec <file>', 'the OpenAPI spec, to name interactions after operations (default: contracts/<partner>/openapi.json|yaml when it exists)')
    .option('--out <dir>', 'pact dir to write (default: contracts/<partner>/pacts)')
    .option('--json', 'print what was written as JSON')
    .action(async (partner: string, options) => (await import('./contract-generate.js')).run(partner, options));
  contractCmd
    .command('verify')
    .description('Verify pact files: with --provider-base-url through the Pact Verifier against a running provider; with --against-spec against the partner OpenAPI spec. Exit 1 on any failure.')
    .argument('<pacts...>', 'pact files')
    .option('--provider-base-url <url>', 'a running provider (sandbox, local) to verify against')
    .option('--provider-states-setup-url <url>', 'with --provider-base-url: POSTed { state, params, action } before and after each interaction')
    .option('--provider-header <header...>', 'with --provider-base-url: "Name: value" sent with every request; ${VAR} is read from the environment (e.g. \'Authorization: Bearer ${STRIPE_KEY}\')')
    .option('--against-spec', 'check each interaction against the partner spec instead of a running provider')
    .option('--spec <file>', 'with --against-spec: the OpenAPI spec (default: contracts/<provider>/openapi.json|yaml)')
    .option('--json', 'print the results as JSON')
    .action(async (pacts: string[], options) => (await import('./contract-verify.js')).run(pacts, options));
  contractCmd
    .command('publish')
    .description('Publish pact files to a Pact Broker through the pact-broker CLI, where it is installed (optional; nothing else needs a broker).')
    .argument('<pacts...>', 'pact files')
    .requiredOption('--broker-url <url>', 'the broker base URL')
    .requiredOption('--consumer-app-version <version>', 'the consumer version the pacts belong to (e.g. a git sha)')
    .option('--branch <name>', 'the consumer branch')
    .option('--tag <tag...>', 'tags for the consumer version')
    .action(async (pacts: string[], options) => (await import('./contract-publish.js')).run(pacts, options));

  program
    .command('gate')
    .description('Run the fault-injection suites (suites/**/*.test.ts) and judge the connectors; write JUnit, Markdown and HTML reports. Exit 1 on any failed verdict.')
    .option('--suites <dir>', 'the suites folder', 'suites')
    .option('--out <dir>', 'where the reports go', 'reports')
    .option('--engine <name>', 'engine for the partner mocks: embedded (default), wiremock (the local jar) or wiremock-container (the official image)')
    .option('--variant <name>', 'run a seeded-defect variant of the connector instead (mutation runs)')
    .option('--filter <text>', 'only suite files whose path contains this')
    .option('--shard <i/n>', 'run only the i-th of n shares of the suite files (a CI matrix job)')
    .option('--merge <dirs...>', "merge shards' report folders into --out instead of running")
    .option('--json', 'print the outcome as JSON (reports are written either way)')
    .action(async (options) => (await import('./gate.js')).run(options));

  const webhooksCmd = program.command('webhooks').description('Send webhook deliveries the way a misbehaving provider does.');
  webhooksCmd
    .command('send')
    .description('Sign and send events to a receiver: duplicates, reordering, delays, bursts, bad signatures, provider retries. Prints each delivery and its answer; exit 0 whatever the receiver answered.')
    .argument('<partner>', 'partner name')
    .argument('<events...>', 'JSON files (an event, an array of events, or a recorded inbound exchange) or recording folders (recordings/<partner>/<session>)')
    .requiredOption('--to <url>', 'the receiver URL')
    .option('--secret <secret>', 'signing secret, several comma-separated (default: env SEAM_WEBHOOK_SECRET)')
    .option('--scheme <id>', 'signing scheme: stripe, github, standard-webhooks, shopify, slack', 'stripe')
    .option('--duplicate <n>', 'deliver each event n times in all')
    .option('--shuffle <seed>', 'shuffle the deliveries with this seed')
    .option('--reverse', 'deliver in reverse order')
    .option('--delay <ms>', 'wait this long between deliveries (between bursts with --burst)')
    .option('--burst <n>', 'send n deliveries at a time, concurrently')
    .option('--mutate <kind>', 'on every delivery: bad-signature, wrong-secret, stale-timestamp, future-timestamp, tampered-body, rotated-secret')
    .option('--retry <schedule>', "retry failed deliveries on a provider's schedule: stripe, standard-webhooks")
    .option('--compress <factor>', 'with --retry: divide the schedule by this (default 3600: an hour becomes a second)')
    .option('--timeout <ms>', 'give up on an answer after this long (default 15000)')
    .option('--json', 'print the delivery journal as JSON')
    .action(async (partner: string, events: string[], options) => (await import('./webhooks-send.js')).run(partner, events, options));

  const driftCmd = program.command('drift').description('Notice partner changes: spec versions compared, live responses against recordings, recordings against the spec.');
  driftCmd
    .command('spec')
    .description("Diff two OpenAPI versions from the consumer's side; findings with a severity, those touching a pact first. Exit 1 at or above --fail-on.")
    .argument('<old>', 'the old spec')
    .argument('<new>', 'the new spec')
    .option('--consumer-pact <file>', 'a pact: findings that touch its interactions and fields are marked and listed first')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['breaking', 'warning']).default('breaking'))
    .option('--markdown', 'print Markdown (the default for a terminal is plain text)')
    .option('--json', 'print the findings as JSON')
    .action(async (oldFile: string, newFile: string, options) => (await import('./drift-spec.js')).run(oldFile, newFile, options));
  driftCmd
    .command('live')
    .description('Replay the safe recorded requests against the live (or sandbox) partner and compare with the recordings and the spec. Exit 1 at or above --fail-on.')
    .argument('<partner>', 'partner name')
    .requiredOption('--base-url <url>', 'the partner to replay against')
    .option('--recordings <dir>', 'recordings root', 'recordings')
    .option('--session <name>', 'only this session')
    .option('--spec <file>', 'the current spec (default: contracts/<partner>/openapi.json|yaml when it exists)')
    .option('--allow-writes', 'also replay writes (sandboxes only)')
    .option('--update', 'save the new responses as a new recording session for review')
    .addOption(new Option('--rate <n>', 'requests per second at most').default(5).argParser(parsePositive))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['breaking', 'warning']).default('breaking'))
    .option('--json', 'print the findings as JSON')
    .action(async (partner: string, options) => (await import('./drift-live.js')).run(partner, options));
  driftCmd
    .command('nightly')
    .description('The nightly job: drift live (and recordings, and spec against drift.nextSpec) for every partner with drift.baseUrl in seam.config; reports under --out. Exit 1 on findings at or above --fail-on.')
    .option('--out <dir>', 'where the reports go', 'reports/drift')
    .option('--config <file>', 'seam config file (default: seam.config.json|yaml)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['breaking', 'warning']).default('breaking'))
    .action(async (options) => (await import('./drift-nightly.js')).run(options));
  driftCmd
    .command('recordings')
    .description("Recordings against the current spec: where the partner's reality and its documentation disagree.")
    .argument('<partner>', 'partner name')
    .option('--recordings <dir>', 'recordings root', 'recordings')
    .option('--session <name>', 'only this session')
    .option('--spec <file>', 'the spec (default: contracts/<partner>/openapi.json|yaml)')
    .option('--json', 'print the findings as JSON')
    .action(async (partner: string, options) => (await import('./drift-recordings.js')).run(partner, options));

  for (const command of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) {
    command.exitOverride();
  }
  return program;
}

/** Run the CLI on `argv` (without node and script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; everything else is a usage error.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof SeamError) {
      if (error.code !== 'verdict-failed') process.stderr.write(`${colour.red('seam:', process.stderr)} ${error.message}\n`);
      else process.stderr.write(`${error.message}\n`);
      return exitCodeFor(error);
    }
    process.stderr.write(`seam: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 3;
  }
}
