// Lays out the Linux app folder (`electron-builder --linux dir`) from electron-builder.yml, offline:
// Electron comes from a stub folder (electronDist) and fuses are off for this run only (they patch the
// real Electron binary, which the stub is not). Usage: node package-linux-dir.mjs PROJECT STUB_DIST OUT
import { build, Platform } from 'electron-builder';

const [projectDir, electronDist, output] = process.argv.slice(2);
await build({
  projectDir,
  targets: Platform.LINUX.createTarget('dir'),
  config: {
    electronDist,
    electronVersion: '38.0.0',
    electronFuses: null,
    npmRebuild: false,
    directories: { output },
  },
});
