import { openSqliteStore } from './dist/index.js';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
const N = Number(process.argv[2] ?? 300000);
const dir = mkdtempSync('/tmp/fts-');
const file = dir + '/p.db';
const s0 = openSqliteStore({ file }); await s0.close();
const db = new Database(file);
db.pragma('journal_mode = WAL'); db.pragma('synchronous = OFF');
const U = 30000; const users = [];
const insU = db.prepare('insert into users (id, username, username_key, password_hash, created_at) values (?,?,?,?,1)');
db.transaction(() => { for (let i = 0; i < U; i++) { const id = randomUUID(); users.push(id); insU.run(id, 'u' + i, 'u' + i, 'x'); } })();
const convs = [];
const insC = db.prepare('insert into conversations (id, user_low, user_high, created_at, last_activity_at) values (?,?,?,1,1)');
db.transaction(() => { for (let i = 0; i < U / 2; i++) { const id = randomUUID(); const [a, b] = [users[2*i], users[2*i+1]].sort(); convs.push([id, a, b]); insC.run(id, a, b); } })();
const insM = db.prepare("insert into messages (conversation_id, client_id, sender_id, recipient_id, body, created_at, status) values (?,?,?,?,?,1,'delivered')");
const vocab = Array.from({ length: 5000 }, (_, i) => 'w' + i.toString(36) + 'x');
let r = 1; const rnd = () => (r = (r * 48271) % 2147483647) / 2147483647;
const target = convs[0]; // the searching user: target[1]
const t0 = Date.now();
db.transaction(() => {
  for (let i = 0; i < N; i++) {
    const c = (process.env.HEAVY ? rnd() < 0.2 : i % 3000 === 0) ? target : convs[1 + Math.floor(rnd() * (convs.length - 1))];
    const words = Array.from({ length: 8 }, () => vocab[Math.floor(vocab.length * rnd() ** 3)]);
    const isTarget = c === target;
    if (isTarget && !process.env.HEAVY ? (i % 30000 === 0) : rnd() < (process.env.HEAVY ? 0.5 : 0.1)) words[0] = "common";
    if (rnd() < 0.0001) words[7] = 'zebrarare';
    insM.run(c[0], randomUUID(), c[1], c[2], words.join(' '));
  }
})();
console.log('seeded', N, 'in', Date.now() - t0, 'ms; target messages', db.prepare('select count(*) n from messages where conversation_id=?').get(target[0]).n);
const owner = 'u' + target[1].replace(/-/g, '');
const q = (label, match) => {
  const st = db.prepare(`select f.rowid id, snippet(messages_fts, 0, '[', ']', '…', 16) s from messages_fts f where messages_fts match ? order by f.rowid desc limit 20`);
  st.all(match);
  const t = performance.now(); let rows; for (let k = 0; k < 20; k++) rows = st.all(match);
  console.log(label.padEnd(30), ((performance.now() - t) / 20).toFixed(2), 'ms', rows.length, 'rows');
};
q('common prefix', `owners:"${owner}" AND body:"common"*`);
q('common exact', `owners:"${owner}" AND body:"common"`);
q('rare prefix', `owners:"${owner}" AND body:"zebrarare"*`);
q('owner only', `owners:"${owner}"`);
db.exec("INSERT INTO messages_fts(messages_fts) VALUES('optimize')");
q('common prefix (optimized)', `owners:"${owner}" AND body:"common"*`);
q('common exact (optimized)', `owners:"${owner}" AND body:"common"`);
