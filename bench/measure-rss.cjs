// Preloaded into the measured CLI (node --require): writes the process's peak RSS on exit.
const { writeFileSync } = require('node:fs');
process.on('exit', () => writeFileSync(process.env.TRANCHE_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));
