// t/bench/pin.js — `node -r ./pin.js`: every TLS connection the process
// makes goes to 127.0.0.1:$PIN_PORT (wx-emu), keeping the host name for SNI
// and certificate checks (verification stays on; NODE_EXTRA_CA_CERTS names
// the CA).  Nothing leaves the machine, whatever the library asks for.
'use strict';
const tls = require('tls');
const net = require('net');
const connect = tls.connect;
const port = +process.env.PIN_PORT;
if (!port) throw new Error('pin.js: PIN_PORT is not set');
tls.connect = function (...a) {
	const i = a.findIndex((x) => x && typeof x === 'object');
	const o = Object.assign({}, i >= 0 ? a[i] : {});
	if (typeof a[0] === 'number') o.port = a[0];
	if (typeof a[1] === 'string') o.host = a[1];
	const name = o.servername || o.host || 'localhost';
	Object.assign(o, { host: '127.0.0.1', port, servername: name, lookup: undefined });
	return connect.call(this, o, a.find((x) => typeof x === 'function'));
};
// Plain sockets (http://, a stray connect) may only reach the loopback.
const nconnect = net.connect;
net.connect = net.createConnection = function (...a) {
	const o = a[0] && typeof a[0] === 'object' ? a[0] : null;
	if (o && !o.socket && !o.path && o.host && !/^(127\.0\.0\.1|localhost|::1)$/.test(o.host))
		throw new Error(`pin.js: plain connection to ${o.host} refused`);
	return nconnect.apply(this, a);
};
