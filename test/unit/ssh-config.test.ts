import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJumpSpecs } from '../../shared/jump-spec.js';
import { remoteSchema } from '../../shared/remote.js';
import { formValuesOf, validateRemote } from '../../renderer/src/remote-form-values.js';
import { importConnectionsJson } from '../../electron/core/sshconfig/connections-json.js';
import { importSshConfig, jumpFromProxyCommand, listSshConfigHosts } from '../../electron/core/sshconfig/ssh-config-import.js';
import { SshConfigReader, matchesHost } from '../../electron/core/sshconfig/ssh-config-reader.js';

/** A fake home with ~/.ssh/config and the files it names. */
function sshHome(files: Record<string, string>) {
  const home = mkdtempSync(join(tmpdir(), 'burrow-sshconfig-'));
  for (const [path, text] of Object.entries(files)) {
    const full = join(home, '.ssh', path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
  }
  return { home, config: join(home, '.ssh', 'config'), opts: { home, localUser: 'me' } };
}

describe('ssh config: reading as ssh does', () => {
  it('first value wins, later blocks only fill what is unset, IdentityFile accumulates', () => {
    const { config, opts } = sshHome({
      config: 'Host prod\n  User deploy\n  IdentityFile ~/.ssh/prod\nHost *\n  User nobody\n  Port 2222\n  IdentityFile ~/.ssh/all\n',
    });
    const r = new SshConfigReader(config, opts).resolve('prod');
    expect(r.get('user')?.values).toEqual(['deploy']);
    expect(r.get('port')?.values).toEqual(['2222']);
    expect(r.get('identityfile')?.values).toEqual(['~/.ssh/prod', '~/.ssh/all']);
  });

  it('follows Include with globs relative to ~/.ssh, in sorted order, and only inside a block that applies', () => {
    const { config, opts } = sshHome({
      config: 'Include conf.d/*.conf\nHost other\n  Include other.conf\nHost *\n  User fallback\n',
      'conf.d/20-b.conf': 'Host app\n  User from-b\n  Port 2020\n',
      'conf.d/10-a.conf': 'Host app\n  HostName app.internal\n  User from-a\n',
      'conf.d/ignored.txt': 'Host app\n  Port 9\n',
      'other.conf': 'Port 7777\n',
    });
    const reader = new SshConfigReader(config, opts);
    const r = reader.resolve('app');
    expect(r.get('hostname')?.values).toEqual(['app.internal']);
    expect(r.get('user')?.values).toEqual(['from-a']);
    expect(r.get('port')?.values).toEqual(['2020']);
    expect(reader.resolve('other').get('port')?.values).toEqual(['7777']);
    expect(listSshConfigHosts(config, opts)).toEqual(['app', 'other']);
  });

  it('matches Host patterns with *, ? and ! as ssh_config(5) says', () => {
    expect(matchesHost(['*.example.com', '!bad.example.com'], 'good.example.com')).toBe(true);
    expect(matchesHost(['*.example.com', '!bad.example.com'], 'bad.example.com')).toBe(false);
    expect(matchesHost(['db?'], 'db1')).toBe(true);
    expect(matchesHost(['db?'], 'db')).toBe(false);
    expect(matchesHost(['DB1'], 'db1')).toBe(true);
  });

  it('expands ~ and the %d %u %r %h %n %p tokens in IdentityFile, and refuses an unknown token', () => {
    const { config, opts, home } = sshHome({
      config: 'Host edge\n  HostName edge.%h.lan\n  User pi\n  Port 2200\n  IdentityFile %d/.ssh/%r@%h:%p-%n\n  IdentityFile ~/.ssh/%u\nHost broken\n  IdentityFile ~/.ssh/%Z\n',
      'pi@edge.edge.lan:2200-edge': 'key',
      me: 'key',
    });
    const { imported, failed } = importSshConfig(config, ['edge', 'broken'], opts);
    expect(imported[0].remote).toMatchObject({ host: 'edge.edge.lan', port: 2200, user: 'pi', identityFiles: [join(home, '.ssh/pi@edge.edge.lan:2200-edge'), join(home, '.ssh/me')] });
    expect(failed).toEqual([{ alias: 'broken', error: 'IdentityFile ~/.ssh/%Z: unknown token %Z' }]);
  });

  it('names every option it does not use in one line, and says what shell mode and missing keys mean', () => {
    const { config, opts } = sshHome({
      config: 'Host prod\n  HostName 10.0.0.1\n  ProxyCommand nc -X connect -x proxy:8080 %h %p\n  CertificateFile ~/.ssh/cert\n  IdentityFile ~/.ssh/missing\n  ForwardAgent yes\n',
    });
    const { imported } = importSshConfig(config, ['prod'], opts);
    expect(imported[0].notes).toContain('prod: ignored ProxyCommand, CertificateFile, ForwardAgent (not supported)');
    expect(imported[0].notes.some((n) => n.startsWith('prod: IdentityFile ~/.ssh/missing') && n.endsWith('not found, skipped'))).toBe(true);
    expect(imported[0].notes.some((n) => n.includes('saved in shell mode'))).toBe(true);
    expect(imported[0].remote).toMatchObject({ identityFiles: [], mode: 'shell' });
  });

  it('--tools: hosts for agents to work on, with no MCP server of their own (no note about shell mode); with a command, both', () => {
    const { config, opts } = sshHome({ config: 'Host box\n  HostName 10.0.0.2\n' });
    const [only] = importSshConfig(config, ['box'], { ...opts, tools: true }).imported;
    expect(only.remote).toMatchObject({ mode: 'none', tools: { enabled: true } });
    expect(only.notes.some((n) => n.includes('shell mode'))).toBe(false);
    expect(remoteSchema.safeParse(only.remote).success).toBe(true);
    const [both] = importSshConfig(config, ['box'], { ...opts, tools: true, command: 'mcp-server' }).imported;
    expect(both.remote).toMatchObject({ mode: 'exec', command: 'mcp-server', tools: { enabled: true } });
  });

  it('names a missing key file as the config wrote it, with the expanded path only when that says more', () => {
    const { config, opts, home } = sshHome({ config: 'Host prod\n  IdentityFile ~/.ssh/gone\n  IdentityFile ~/.ssh/%r-key\n' });
    // Paths are shown with ~ for the home the person sees, which is this one here.
    const realHome = process.env.HOME;
    process.env.HOME = home;
    try {
      const notes = importSshConfig(config, ['prod'], opts).imported[0].notes.filter((n) => n.includes('not found'));
      expect(notes).toEqual(['prod: IdentityFile ~/.ssh/gone not found, skipped', 'prod: IdentityFile ~/.ssh/%r-key (~/.ssh/me-key) not found, skipped']);
    } finally {
      process.env.HOME = realHome;
    }
  });

  it('maps StrictHostKeyChecking, IdentitiesOnly, IdentityAgent, HostKeyAlias, ConnectTimeout and ServerAliveInterval', () => {
    const { config, opts } = sshHome({
      config: [
        'Host strict\n  StrictHostKeyChecking yes\n  HostKeyAlias strict-key\n  ConnectTimeout 7\n  ServerAliveInterval 30\n',
        'Host loose\n  StrictHostKeyChecking no\n  IdentitiesOnly yes\n',
        'Host newkeys\n  StrictHostKeyChecking accept-new\n  IdentityAgent ~/agent.sock\n',
        'Host noagent\n  IdentityAgent none\n',
      ].join(''),
    });
    const { imported } = importSshConfig(config, [], { ...opts, command: 'mcp-server' });
    const by = Object.fromEntries(imported.map((i) => [i.remote.name, i]));
    expect(by.strict.remote).toMatchObject({ hostKeyPolicy: 'strict', hostKeyAlias: 'strict-key', connectTimeoutSec: 7, keepaliveIntervalSec: 30, mode: 'exec', command: 'mcp-server' });
    expect(by.loose.remote).toMatchObject({ hostKeyPolicy: 'accept-new', useAgent: false });
    expect(by.loose.notes.join('\n')).toMatch(/StrictHostKeyChecking no imported as accept-new/);
    expect(by.newkeys.remote).toMatchObject({ hostKeyPolicy: 'accept-new', identityAgent: join(opts.home, 'agent.sock'), useAgent: true });
    expect(by.noagent.remote).toMatchObject({ hostKeyPolicy: 'ask', useAgent: false });
    for (const i of imported) expect(remoteSchema.safeParse(i.remote).success).toBe(true);
  });

  it('turns ProxyJump into hops, each looked up as its own alias, the first hop’s own ProxyJump first', () => {
    const { config, opts, home } = sshHome({
      config: [
        'Host app\n  HostName 10.1.0.5\n  ProxyJump admin@inner:2202,last\n',
        'Host inner\n  HostName inner.lan\n  User ops\n  IdentityFile ~/.ssh/inner_key\n  ProxyJump outer\n  UserKnownHostsFile ~/.ssh/kh_inner ~/.ssh/kh_extra\n',
        'Host outer\n  HostName bastion.example.com\n  Port 2022\n  HostKeyAlias bastion\n  StrictHostKeyChecking accept-new\n',
        'Host last\n  ProxyJump should-not-be-used\n',
        'Host direct\n  ProxyJump none\n',
        'Host loop\n  ProxyJump loop2\nHost loop2\n  ProxyJump loop\n',
      ].join(''),
      inner_key: 'key',
    });
    const { imported, failed } = importSshConfig(config, ['app', 'direct', 'loop'], opts);
    const app = imported.find((i) => i.remote.name === 'app')!;
    expect(app.remote.jump).toEqual([
      { host: 'bastion.example.com', port: 2022, user: 'me', identityFiles: [], hostKeyAlias: 'bastion', hostKeyPolicy: 'accept-new' },
      { host: 'inner.lan', port: 2202, user: 'admin', identityFiles: [join(home, '.ssh/inner_key')], knownHostsPath: join(home, '.ssh/kh_inner') },
      { host: 'last', port: 22, user: 'me', identityFiles: [] },
    ]);
    expect(app.notes).toContain('app: jump host inner: UserKnownHostsFile: reads ~/.ssh/kh_inner only, ignored ~/.ssh/kh_extra (Burrow reads one user file per remote, plus its own)');
    expect(imported.find((i) => i.remote.name === 'direct')!.remote.jump).toBeUndefined();
    expect(failed).toEqual([{ alias: 'loop', error: 'loop: ProxyJump loops through loop -> loop2 -> loop' }]);
  });

  it('reads the classic "ProxyCommand ssh -W %h:%p bastion" as ProxyJump, and names any other ProxyCommand', () => {
    expect(jumpFromProxyCommand('ssh -q -W %h:%p ops@bastion')).toBe('ops@bastion');
    expect(jumpFromProxyCommand('/usr/bin/ssh -l ops -p 2222 bastion -W [%h]:%p')).toBe('ops@bastion:2222');
    expect(jumpFromProxyCommand('ssh -A -W %h:%p bastion')).toBeUndefined();
    expect(jumpFromProxyCommand('nc %h %p')).toBeUndefined();
    const { config, opts } = sshHome({
      config: 'Host app\n  HostName 10.0.0.9\n  ProxyCommand ssh -W %h:%p ops@gw\n  ProxyJump other\nHost plain\n  ProxyCommand none\n',
    });
    const { imported } = importSshConfig(config, ['app', 'plain'], opts);
    expect(imported[0].remote.jump).toEqual([{ host: 'gw', port: 22, user: 'ops', identityFiles: [] }]);
    expect(imported[0].notes).toContain('app: ProxyCommand ssh -W %h:%p ops@gw read as ProxyJump ops@gw');
    expect(imported[0].notes.join('\n')).not.toMatch(/ignored/);
    expect(imported[1].remote.jump).toBeUndefined();
    expect(imported[1].notes.join('\n')).not.toMatch(/ignored/);
  });

  it('skips Match blocks with a warning and refuses an alias the config does not name', () => {
    const { config, opts } = sshHome({ config: 'Match host x\n  User y\nHost real\n  User z\n' });
    const r = importSshConfig(config, ['real', 'nope'], opts);
    expect(r.imported.map((i) => i.remote.name)).toEqual(['real']);
    expect(r.failed[0].error).toMatch(/^no Host nope in /);
    expect(r.warnings[0]).toMatch(/skipped "Match host x" \(Match blocks are not supported\)/);
  });

  it('parses ProxyJump specs: chains, user@host:port, ssh:// URIs, IPv6, none', () => {
    expect(parseJumpSpecs('a,u@b:2222,ssh://v@c:23,[::1]:24')).toEqual([{ host: 'a' }, { host: 'b', port: 2222, user: 'u' }, { host: 'c', port: 23, user: 'v' }, { host: '::1', port: 24 }]);
    expect(parseJumpSpecs('none')).toEqual([]);
    expect(() => parseJumpSpecs('a:99999')).toThrow('jump host "a:99999": bad port "99999" (use [user@]host[:port])');
  });
});

describe('mcp-ssh-gateway connections.json', () => {
  it('imports direct entries, keeps tunnel entries as remotes of the device of that name, and names bad entries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'burrow-gw-'));
    writeFileSync(join(dir, 'edge1.key'), 'key');
    const file = join(dir, 'connections.json');
    writeFileSync(
      file,
      JSON.stringify({
        connections: [
          { name: 'edge1', mode: 'direct', user: 'pi', host: '10.0.0.5', port: 22, id_file: 'edge1.key' },
          { name: 'edge2', mode: 'tunnel', user: 'pi', port: 2201, id_file: '/keys/edge2' },
          { name: 'edge3', mode: 'direct', user: 'pi', port: 22, id_file: '/keys/edge3' },
          { name: 'edge1', mode: 'direct', user: 'pi', host: 'x', port: 22, id_file: '/k' },
        ],
      }),
    );
    const { imported, failed } = importConnectionsJson(file);
    expect(imported.map((i) => i.remote)).toEqual([
      expect.objectContaining({ name: 'edge1', host: '10.0.0.5', port: 22, user: 'pi', identityFiles: [join(dir, 'edge1.key')], useAgent: false, mode: 'shell' }),
      expect.objectContaining({ name: 'edge2', host: '127.0.0.1', port: 2201, tunnel: { device: 'edge2' } }),
    ]);
    expect(imported[1].notes.join('\n')).toMatch(/edge2: tunnel mode: saved as 127\.0\.0\.1:2201/);
    expect(imported[1].notes.join('\n')).toMatch(/edge2: id_file \/keys\/edge2 not found/);
    expect(failed).toEqual([
      { alias: 'edge3', error: 'connections[2]: "host" is required for mode "direct"' },
      { alias: 'edge1', error: 'connections[3]: duplicate name "edge1"' },
    ]);
  });

  it('refuses a file that is not a connections file in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'burrow-gw-'));
    writeFileSync(join(dir, 'c.json'), '{"servers": []}');
    expect(() => importConnectionsJson(join(dir, 'c.json'))).toThrow(/not an mcp-ssh-gateway connections file/);
  });
});

describe('editing an imported remote in the app', () => {
  it('keeps what the form does not show (jump hosts, HostKeyAlias, timeouts)', () => {
    const saved = remoteSchema.parse({
      name: 'db', host: '10.1.0.5', user: 'me', hostKeyAlias: 'db-key', connectTimeoutSec: 5,
      jump: [{ host: 'bastion', port: 2222, user: 'ops', identityFiles: [] }],
    });
    const { input, errors } = validateRemote({ ...formValuesOf(saved), port: '2200' }, []);
    expect(errors).toEqual({});
    expect(input).toMatchObject({ port: 2200, hostKeyAlias: 'db-key', connectTimeoutSec: 5, jump: [{ host: 'bastion', port: 2222, user: 'ops', identityFiles: [] }] });
  });
});
