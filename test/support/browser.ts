// Real Chromium for page tests: Debian's `chromium` driven by playwright-core (no browser download).
// Where Chromium is missing the tests say so and skip, except in CI, which installs it (.ci/run).
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** Run page tests here; in CI a missing browser fails them instead. */
export const runBrowserTests = hasChromium || Boolean(process.env.CI);

/** `extraArgs`: more Chromium switches (e.g. turning off a browser-side protection to test the server's own). */
export async function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/** Where a test's screenshots go (`test-results/screenshots/<name>/`), created on demand. */
export function screenshotDir(name: string): string {
  const dir = resolve(import.meta.dirname, '../../test-results/screenshots', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const shot = (name: string, file: string) => join(screenshotDir(name), file);
