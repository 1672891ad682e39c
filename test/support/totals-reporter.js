// A @web/test-runner reporter that counts test results and writes them as
// JSON, so test/run.js can print one plain "N passed, N failed" line for both
// runners. A test file that fails to load counts as one failure.
import { writeFileSync } from 'node:fs';

/** @param {{ file: string }} options */
export function totalsReporter({ file }) {
  return {
    /** @param {{ sessions: import('@web/test-runner-core').TestSession[] }} args */
    onTestRunFinished({ sessions }) {
      let passed = 0;
      let failed = 0;
      let skipped = 0;
      /** @param {import('@web/test-runner-core').TestSuiteResult | undefined} suite */
      const walk = suite => {
        if (!suite) return;
        for (const t of suite.tests) {
          if (t.skipped) skipped++;
          else if (t.passed) passed++;
          else failed++;
        }
        suite.suites.forEach(walk);
      };
      for (const session of sessions) {
        walk(session.testResults);
        if (!session.passed && session.errors.length > 0) failed++;
      }
      writeFileSync(file, JSON.stringify({ passed, failed, skipped }));
    },
  };
}
