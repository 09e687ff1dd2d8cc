// t/bench/peer.js — workload 6 with wechat4u: log in (wx-emu -a confirms),
// load the contacts, have wx-emu inject $PEER_MSGS messages once syncing,
// count them as they arrive, send one text, stop.  Run by t/bench/6-peer.sh as
// `node -r t/bench/pin.js t/bench/peer.js` with NODE_PATH at the temporary
// npm install; prints what it saw on stdout.
'use strict';
const https = require('https');
const Wechat = require('wechat4u');
const want = +(process.env.PEER_CONTACTS || 5000);
const msgs = +(process.env.PEER_MSGS || 500);
const bot = new Wechat();
let injected = false, got = 0, done = false;
const fail = (e) => { console.error('peer.js:', e && e.stack || e); process.exit(1); };
setTimeout(() => fail(`timeout: ${Object.keys(bot.contacts).length} contacts, ${got} messages`),
	+(process.env.PEER_TIMEOUT || 120) * 1000).unref();
bot.on('error', fail);
bot.on('contacts-updated', () => {
	if (injected || Object.keys(bot.contacts).length < want) return;
	injected = true;   // the control API of wx-emu, through the same pinning
	https.request({ host: 'wx.qq.com', path: `/_emu/message?count=${msgs}`, method: 'POST' },
		(r) => { r.resume(); if (r.statusCode !== 200) fail(`inject: ${r.statusCode}`); })
		.on('error', fail).end();
});
bot.on('message', (m) => {
	if (!injected || done || m.MsgType !== bot.CONF.MSGTYPE_TEXT) return;
	if (++got < msgs) return;
	done = true;
	bot.sendMsg('bench: done', 'filehelper').then(() => {
		console.log(`contacts=${Object.keys(bot.contacts).length} messages=${got} sent=1`);
		process.exit(0);
	}, fail);
});
bot.start();
