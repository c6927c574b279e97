// server.mjs: a small static HTTP server for the built site, on 127.0.0.1
// and a free port. Folders serve their index.html; a missing file answers
// 404 with the site's 404 page of the language its path starts with.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.ico': 'image/x-icon',
	'.json': 'application/json',
	'.csv': 'text/csv; charset=utf-8',
	'.xml': 'application/xml',
	'.txt': 'text/plain; charset=utf-8',
};

function isFile(p) {
	try {
		return fs.statSync(p).isFile();
	} catch {
		return false;
	}
}

function isDir(p) {
	try {
		return fs.statSync(p).isDirectory();
	} catch {
		return false;
	}
}

export function serve(root, langs) {
	root = path.resolve(root);
	const server = http.createServer((req, res) => {
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.writeHead(405, { Allow: 'GET, HEAD' }).end();
			return;
		}
		let rel;
		try {
			rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
		} catch {
			res.writeHead(400).end();
			return;
		}
		let file = path.join(root, path.normalize(rel));
		if (rel.includes('\0') || (file !== root && !file.startsWith(root + path.sep))) {
			res.writeHead(403).end();
			return;
		}
		if (isDir(file)) {
			if (!rel.endsWith('/')) {
				res.writeHead(301, { Location: rel + '/' }).end();
				return;
			}
			file = path.join(file, 'index.html');
		}
		let status = 200;
		if (!isFile(file)) {
			status = 404;
			const first = rel.split('/')[1];
			file = path.join(root, langs.includes(first) ? first : '', '404.html');
			if (!isFile(file)) {
				res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
				return;
			}
		}
		const body = fs.readFileSync(file);
		res.writeHead(status, {
			'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
			'Content-Length': body.length,
			'Cache-Control': 'no-store',
		});
		res.end(req.method === 'HEAD' ? undefined : body);
	});
	return new Promise((resolve, reject) => {
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			resolve({
				url: `http://127.0.0.1:${port}/`,
				close: () => new Promise((r) => {
					server.closeAllConnections?.();
					server.close(() => r());
				}),
			});
		});
	});
}
