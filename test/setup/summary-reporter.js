/** Ends the run with one plain line ("jest: N passed, N failed, N skipped") that CI logs can read. */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
    process.stdout.write(`\n(database: ${backend})\n`);
    process.stdout.write(
      `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
