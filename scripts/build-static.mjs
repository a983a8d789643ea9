// Builds the Custom UI apps that manifest.yml serves: every folder under static/ that has an
// index.html (static/shared is library code, not an app) goes to static/<app>/build.
// One app at a time, so a failure names its app; the first failure stops the run with exit code 1.
//
//   npm run build                         every app
//   node scripts/build-static.mjs admin   only the named apps
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { customUiConfig } from '../static/vite.config.mjs';

// What Forge deploys is a production build, whoever runs this: jest sets NODE_ENV=test, which would
// otherwise give React's development build (effects run twice, Atlaskit portals misbehave).
process.env.NODE_ENV = 'production';

const staticDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'static');

function findApps() {
  return readdirSync(staticDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
    .filter((entry) => existsSync(path.join(staticDir, entry.name, 'index.html')))
    .map((entry) => entry.name)
    .sort();
}

const available = findApps();
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`No Custom UI app named ${unknown.join(', ')} under static/ (apps: ${available.join(', ')}).`);
  process.exit(1);
}
const apps = requested.length > 0 ? requested : available;
if (apps.length === 0) {
  console.error('No Custom UI app found: no static/<app>/index.html.');
  process.exit(1);
}

for (const app of apps) {
  const started = performance.now();
  try {
    await build({ ...customUiConfig(path.join(staticDir, app)), configFile: false, logLevel: 'warn', mode: 'production' });
  } catch (error) {
    console.error(`\nBuilding static/${app} failed:`);
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  }
  console.log(`static/${app}/build (${Math.round(performance.now() - started)} ms)`);
}
