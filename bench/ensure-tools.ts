import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The Debian packages the bench drives, by the command each provides. */
const PACKAGES: Record<string, string> = { wrk: 'wrk', nginx: 'nginx' };

/** The command's path: nginx lives in /usr/sbin, which is not on every user's PATH. */
export function findCommand(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  return ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'].map((folder) => `${folder}/${command}`).find((path) => existsSync(path));
}

/**
 * wrk and nginx are the load generator and the upstream (a Node upstream or autocannon on the
 * same core cannot go fast enough to show the floor). Installed with apt-get when missing and
 * possible; otherwise the bench says what to install and stops.
 */
export function ensureTools(): { wrk: string; nginx: string } {
  const missing = Object.keys(PACKAGES).filter((command) => !findCommand(command));
  if (missing.length > 0) {
    const packages = missing.map((command) => PACKAGES[command]);
    const canInstall = process.getuid?.() === 0 && findCommand('apt-get') !== undefined;
    if (!canInstall) {
      console.error(`The bench needs ${missing.join(' and ')}. Install them, then run it again:\n  sudo apt-get install -y ${packages.join(' ')}`);
      process.exit(1);
    }
    console.error(`Installing ${packages.join(' ')} with apt-get …`);
    const install = () => spawnSync('apt-get', ['install', '-y', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
    if (!install()) {
      execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
      if (!install()) {
        console.error(`apt-get could not install ${packages.join(' ')}; install them by hand:\n  apt-get install -y ${packages.join(' ')}`);
        process.exit(1);
      }
    }
  }
  return { wrk: findCommand('wrk')!, nginx: findCommand('nginx')! };
}
