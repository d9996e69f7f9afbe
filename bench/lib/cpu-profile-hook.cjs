// (SIGWINCH, not SIGUSR2: NestJS's shutdown hooks treat SIGUSR2 as a stop signal.)
// Preloaded into a server under test (`node -r bench/lib/cpu-profile-hook.cjs …`) when
// BENCH_PROFILE is set: the first SIGWINCH starts the V8 CPU profiler, the second stops it and
// writes the profile to $BENCH_PROFILE_FILE, then logs "cpu-profile-written". Profiling only the
// measured window keeps start-up and warm-up out of the picture.
'use strict';
const inspector = require('node:inspector');
const fs = require('node:fs');

const session = new inspector.Session();
session.connect();
let running = false;

process.on('SIGWINCH', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 500 }, () =>
        session.post('Profiler.start', () => process.stderr.write('cpu-profile-started\n')),
      ),
    );
    return;
  }
  running = false;
  session.post('Profiler.stop', (error, result) => {
    if (error) {
      process.stderr.write(`cpu-profile-failed ${error.message}\n`);
      return;
    }
    fs.writeFileSync(process.env.BENCH_PROFILE_FILE, JSON.stringify(result.profile));
    process.stderr.write('cpu-profile-written\n');
  });
});
