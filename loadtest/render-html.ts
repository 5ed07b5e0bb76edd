/**
 * `node --import tsx loadtest/render-html.ts report.json [report.html]`: (re)renders the HTML
 * report from a JSON report, e.g. one recorded on another machine or by an older run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { renderHtmlReport } from './html-report.ts';
import type { Report } from './report.ts';

const [input, output = input?.replace(/\.json$/, '') + '.html'] = process.argv.slice(2);
if (!input) {
  console.error('usage: node --import tsx loadtest/render-html.ts report.json [report.html]');
  process.exit(2);
}
const report = JSON.parse(await readFile(input, 'utf8')) as Report;
await writeFile(output!, renderHtmlReport(report));
console.log(output);
