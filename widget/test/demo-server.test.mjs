// The demo page server escapes what it puts into the page and checks the procedure time it is given.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const WIDGET = join(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = process.env.PYTHON || join(WIDGET, '..', '.venv', 'bin', 'python');
const HOSTILE_NAME = 'Glow <script>alert(1)</script> "Skin" & Co';

let server;
let baseUrl;
let workdir;

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

before(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'aftercare-demo-'));
  const clinicFile = join(workdir, 'clinic.yml');
  await writeFile(
    clinicFile,
    [`clinic_name: '${HOSTILE_NAME}'`, 'injector_name: Dr. Test', 'phone: "+1 555 010 2030"', 'opening_hours:', '  monday: 09:00-18:00', 'timezone: Europe/London', ''].join('\n'),
  );
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn(PYTHON, [join(WIDGET, 'serve_demo.py'), '--port', String(port), '--clinic-file', clinicFile, '--server-url', 'http://localhost:5999'], {
    stdio: ['ignore', 'pipe', 'ignore'], // it logs the refused requests this test makes
    env: { ...process.env, AFTERCARE_NOW: '' }, // the real clock, which this test compares with
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('exit', (code) => reject(new Error(`serve_demo.py exited with ${code}`)));
    server.stdout.once('data', resolve); // it prints its URL once listening
  });
});

after(async () => {
  server?.kill('SIGINT');
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

test('the clinic name and the procedure time are HTML-escaped in the page', async () => {
  const response = await fetch(`${baseUrl}/?procedure_time=2026-11-29T10:00:00%2B01:00`);
  assert.equal(response.status, 200);
  const page = await response.text();
  assert.ok(!page.includes('<script>alert(1)'), 'no raw markup from clinic.yml');
  assert.ok(page.includes('data-clinic-name="Glow &lt;script&gt;alert(1)&lt;/script&gt; &quot;Skin&quot; &amp; Co"'));
  assert.ok(page.includes('data-procedure-time="2026-11-29T09:00:00Z"'), 'normalised to UTC');
  assert.ok(page.includes('data-server-url="http://localhost:5999"'));
  assert.match(response.headers.get('content-security-policy'), /script-src 'self'/);
});

test('by default the procedure time is 3 hours before the page is served; empty means unknown', async () => {
  const page = await (await fetch(`${baseUrl}/`)).text();
  const given = Date.parse(/data-procedure-time="([^"]+)"/.exec(page)[1]);
  const hoursAgo = (Date.now() - given) / 3600000;
  assert.ok(Math.abs(hoursAgo - 3) < 0.1, `${hoursAgo} hours ago`);
  assert.match(await (await fetch(`${baseUrl}/?procedure_time=`)).text(), /data-procedure-time=""/);
});

test('a procedure time that is not ISO 8601 with a time zone is refused', async () => {
  for (const value of ['%22%3E%3Cscript%3E', 'yesterday', '2026-11-29T10:00:00']) {
    const response = await fetch(`${baseUrl}/?procedure_time=${value}`);
    assert.equal(response.status, 400, value);
  }
});

test('the widget bundle and the page styles are served; nothing else is', async () => {
  const bundle = await fetch(`${baseUrl}/aftercare-widget.js`);
  assert.ok([200, 503].includes(bundle.status)); // 503 with a hint when not built yet
  assert.equal((await fetch(`${baseUrl}/demo.css`)).status, 200);
  for (const path of ['/clinic.yml', '/../clinic.yml', '/serve_demo.py', '/demo/index.html']) {
    assert.equal((await fetch(`${baseUrl}${path}`)).status, 404, path);
  }
});
