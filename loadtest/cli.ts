/**
 * `npm run loadtest -- --url URL[,URL…] --bots N --duration SECONDS --report out.json [--html out.html]`
 *
 * Runs the bots, shows a live progress line on stderr, writes the reports, prints a summary on
 * stdout. Exit status: 0 the run completed, 1 it could not run, 2 bad options (see args.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseCliArgs, USAGE, UsageError, type CliOptions } from './args.ts';
import { renderHtmlReport } from './html-report.ts';
import { progressWriter } from './progress.ts';
import { summaryLines, type Report } from './report.ts';
import { RunError, runLoadTest } from './run.ts';

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

async function writeReports(opts: CliOptions, report: Report): Promise<void> {
  if (opts.reportPath) await write(opts.reportPath, `${JSON.stringify(report, null, 2)}\n`);
  if (opts.htmlPath) await write(opts.htmlPath, renderHtmlReport(report));
}

async function main(argv: string[]): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`loadtest: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const progress = progressWriter(process.stderr, !opts.quiet);
  // Ctrl-C ends the run early but still closes sockets through the normal path: exit now.
  process.once('SIGINT', () => {
    progress.done();
    console.error('loadtest: interrupted');
    process.exit(130);
  });
  // SIGUSR2 ends the measured window now and writes the report of what was measured (a test
  // that has seen what it judges need not wait out --duration).
  const endEarly = new AbortController();
  process.on('SIGUSR2', () => endEarly.abort());
  try {
    const report = await runLoadTest(opts, (p) => progress.update(p), endEarly.signal);
    progress.done();
    await writeReports(opts, report);
    for (const line of summaryLines(report)) console.log(line);
    if (opts.reportPath) console.log(`report: ${opts.reportPath}`);
    if (opts.htmlPath) console.log(`html: ${opts.htmlPath}`);
    return 0;
  } catch (error) {
    progress.done();
    if (error instanceof RunError) {
      const report = (error as RunError & { report?: Report }).report;
      if (report) await writeReports(opts, report);
      console.error(`loadtest: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('loadtest: unexpected failure', error);
    process.exit(1);
  },
);
