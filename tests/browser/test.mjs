// test.mjs: tiekartta's pages in a real browser (Debian's Chromium through
// playwright-core). Over one page of every kind in every language: axe-core
// finds no WCAG 2.1 A/AA violation; no horizontal overflow at 320, 375 and
// 1280 px, nor at 200 % zoom (640 px, device scale 2); screenshots at 375
// and 1280 px; the page's lang; no console error or failed request; Tab
// reaches the skip link first, which moves focus to main, and every focus is
// visible. Over every page of the site: the Nu HTML Checker finds no error
// and no internal link or fragment is broken (crawled from each language's
// front page). Prints "name... ok" or "name... FAIL" and the reasons, then
// "N passed, N failed"; exits 1 on any failure.
//
// node test.mjs --site DIR [--shots DIR] [--chromium PATH] [--vnu all|sample]
//   [--only REGEX]   (only the pages whose "lang kind" matches; no crawl)
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { serve } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const vnuJar = path.join(here, 'node_modules/vnu-jar/build/dist/vnu.jar');

const args = { site: null, shots: null, chromium: '/usr/bin/chromium', vnu: 'all', only: null };
for (let i = 2; i < process.argv.length; i += 2) {
	const k = process.argv[i].replace(/^--/, '');
	if (!(k in args) || i + 1 >= process.argv.length) {
		console.error(`usage: node test.mjs --site DIR [--shots DIR] [--chromium PATH] [--vnu all|sample] [--only REGEX]`);
		process.exit(2);
	}
	args[k] = process.argv[i + 1];
}
if (!args.site) {
	console.error('test.mjs: --site DIR is required');
	process.exit(2);
}
const site = path.resolve(args.site);
const shots = args.shots ? path.resolve(args.shots) : null;
if (shots) fs.mkdirSync(shots, { recursive: true });

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const WIDTHS = [320, 375, 1280];
const SHOT_WIDTHS = [375, 1280];
const SHOT_MAX = 4000;
const FOCUS_STOPS = 20;
const t0 = Date.now();

let passed = 0, failed = 0, lastNote = t0;
function note(what) {
	const now = Date.now();
	console.log(`(${what}: done at ${((now - t0) / 1000).toFixed(1)} s, took ${((now - lastNote) / 1000).toFixed(1)} s)`);
	lastNote = now;
}
function check(name, problems) {
	if (problems.length === 0) {
		passed++;
		console.log(`${name}... ok`);
	} else {
		failed++;
		console.log(`${name}... FAIL`);
		for (const p of problems.slice(0, 12)) console.log(`  ${p}`);
		if (problems.length > 12) console.log(`  (and ${problems.length - 12} more)`);
	}
}

function decode(s) {
	return s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (m, e) =>
		({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e]);
}

function read(rel) {
	return fs.readFileSync(path.join(site, rel), 'utf8');
}

function exists(rel) {
	return fs.existsSync(path.join(site, rel));
}

function subdirs(rel) {
	const d = path.join(site, rel);
	if (!fs.existsSync(d)) return [];
	return fs.readdirSync(d, { withFileTypes: true })
		.filter((e) => e.isDirectory() && fs.existsSync(path.join(d, e.name, 'index.html')))
		.map((e) => e.name)
		.sort();
}

// Every HTML file under the site, relative, with forward slashes.
function allHtml(dir = '') {
	const out = [];
	for (const e of fs.readdirSync(path.join(site, dir), { withFileTypes: true })) {
		const rel = dir ? `${dir}/${e.name}` : e.name;
		if (e.isDirectory()) out.push(...allHtml(rel));
		else if (e.name.endsWith('.html')) out.push(rel);
	}
	return out.sort();
}

// The languages and their folders, from the front page's hreflang links.
function languages() {
	const html = read('index.html');
	const langs = [];
	for (const m of html.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]*)">/g)) {
		const prefix = decode(m[2]).replace(/index\.html$/, '').replace(/^\.\//, '');
		langs.push({ code: m[1], prefix });
	}
	return langs;
}

// One page of every kind, found in the Finnish tree; the same path under
// every language's folder.
function pageKinds() {
	const kinds = [['index', 'index.html']];
	const pick = (kind, dir, choose = (l) => l[0]) => {
		const list = subdirs(dir);
		if (list.length) kinds.push([kind, `${dir}/${choose(list)}/index.html`]);
		else check(`site: a ${kind} page in ${dir}/`, [`${dir}/ has no page; the bundled content should have one of every kind`]);
	};
	pick('region', 'alueet');
	pick('group', 'ryhmat');
	if (exists('tiekartta/index.html')) kinds.push(['roadmap', 'tiekartta/index.html']);
	// Version folders hold a folder per subtask; tiekartta/muutokset/ holds
	// the diff pages between versions.
	const versions = subdirs('tiekartta').filter((v) => v !== 'muutokset' && subdirs(`tiekartta/${v}`).length);
	if (versions.length) {
		const v = versions[versions.length - 1];
		kinds.push(['version', `tiekartta/${v}/index.html`]);
		pick('subtask', `tiekartta/${v}`);
	}
	if (subdirs('tiekartta/muutokset').length) pick('diff', 'tiekartta/muutokset', (l) => l[l.length - 1]);
	pick('month', 'tilannekuva', (l) => l[l.length - 1]);
	if (exists('teemat/index.html')) kinds.push(['themes', 'teemat/index.html']);
	if (exists('saavutettavuus/index.html')) kinds.push(['accessibility statement', 'saavutettavuus/index.html']);
	else check('site: the accessibility statement', ['saavutettavuus/index.html is missing; site.yaml sets accessibility']);
	if (exists('julkaisu/index.html')) kinds.push(['build', 'julkaisu/index.html']);
	else check('site: the build page', ['julkaisu/index.html is missing']);
	for (const p of subdirs('sivut')) kinds.push([`page ${p}`, `sivut/${p}/index.html`]);
	kinds.push(['404', '404.html']);
	return kinds;
}

let vnuChild = null;

// Runs the Nu HTML Checker over files (relative to the site); resolves to a
// map file -> [messages] of its errors.
function vnu(files) {
	return new Promise((resolve) => {
		const out = [];
		const child = vnuChild = spawn('java', ['-Xss4m', '-jar', vnuJar, '--errors-only', '--format', 'json', ...files],
			{ cwd: site, stdio: ['ignore', 'pipe', 'pipe'] });
		child.stdout.on('data', (d) => out.push(d));
		child.stderr.on('data', (d) => out.push(d));
		child.on('error', (e) => resolve({ fatal: `java: ${e.message}` }));
		child.on('close', (code) => {
			console.log(`(Nu HTML Checker finished at ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
			const text = Buffer.concat(out).toString('utf8');
			let json;
			try {
				json = JSON.parse(text.slice(text.indexOf('{')));
			} catch {
				resolve({ fatal: `vnu exit ${code}: ${text.slice(0, 2000)}` });
				return;
			}
			const byFile = new Map();
			for (const m of json.messages || []) {
				let f = m.url ? decodeURIComponent(m.url.replace(/^file:/, '')) : '(none)';
				if (f.startsWith(site + '/')) f = f.slice(site.length + 1);
				if (!byFile.has(f)) byFile.set(f, []);
				byFile.get(f).push(`${m.type}${m.subType ? '/' + m.subType : ''} line ${m.lastLine}: ${m.message}` +
					(m.extract ? ` [${m.extract.replace(/\s+/g, ' ').slice(0, 120)}]` : ''));
			}
			resolve({ byFile, code });
		});
	});
}

// Fetches every page reachable from the starts, following internal links;
// checks that each internal link's target exists and that its fragment names
// an element of the target page. Also returns every URL some other page
// links to.
async function crawl(base, starts) {
	const pages = new Map(); // url (without fragment) -> { status, ids, links, type }
	const seen = new Set(starts);
	const queue = [...seen];
	const fetchOne = async (url) => {
		const res = await fetch(url, { redirect: 'manual' });
		const type = res.headers.get('content-type') || '';
		const entry = { status: res.status, type, ids: null, links: [] };
		if (res.status === 200 && type.startsWith('text/html')) {
			const html = await res.text();
			entry.ids = new Set();
			for (const m of html.matchAll(/\s(?:id|name)="([^"]*)"/g)) entry.ids.add(decode(m[1]));
			for (const m of html.matchAll(/<(a|link|area|img|script|source|iframe)\b([^>]*)>/g)) {
				for (const a of m[2].matchAll(/\s(href|src)="([^"]*)"/g)) entry.links.push(decode(a[2]));
			}
		} else {
			await res.arrayBuffer();
		}
		pages.set(url, entry);
		if (!entry.ids) return;
		for (const href of entry.links) {
			let target;
			try {
				target = new URL(href, url);
			} catch {
				continue;
			}
			if (target.origin !== new URL(base).origin) continue;
			target.hash = '';
			const t = target.href;
			if (!seen.has(t)) {
				seen.add(t);
				queue.push(t);
			}
		}
	};
	const workers = Array.from({ length: 6 }, async () => {
		while (queue.length) await fetchOne(queue.shift());
	});
	// Workers stop when the queue is momentarily empty; loop until it stays so.
	await Promise.all(workers);
	while (queue.length) {
		await Promise.all(Array.from({ length: 6 }, async () => {
			while (queue.length) await fetchOne(queue.shift());
		}));
	}
	const broken = new Map(); // source page -> [problems]
	const linked = new Set();
	for (const [url, entry] of pages) {
		if (!entry.ids) continue;
		for (const href of entry.links) {
			let target;
			try {
				target = new URL(href, url);
			} catch {
				(broken.get(url) || broken.set(url, []).get(url)).push(`unparsable link ${href}`);
				continue;
			}
			if (!/^https?:$/.test(target.protocol) || target.origin !== new URL(base).origin) {
				if (/^(javascript|data|file):/i.test(target.protocol)) {
					(broken.get(url) || broken.set(url, []).get(url)).push(`unsafe link ${href}`);
				}
				continue;
			}
			const frag = target.hash ? decodeURIComponent(target.hash.slice(1)) : '';
			target.hash = '';
			if (target.href !== url) linked.add(target.href);
			const t = pages.get(target.href);
			let why = null;
			if (!t) why = 'not fetched';
			else if (t.status !== 200) why = `HTTP ${t.status}`;
			else if (frag && t.ids && !t.ids.has(frag)) why = `no element with id "${frag}"`;
			if (why) (broken.get(url) || broken.set(url, []).get(url)).push(`${href}: ${why}`);
		}
	}
	return { pages, broken, linked };
}

// What sticks out of the viewport, outermost first, ignoring what scrolls
// inside its own container (an absolutely positioned box is clipped only
// by a scroll container at or above its containing block).
async function overflow(page) {
	return page.evaluate(() => {
		const doc = document.documentElement;
		const vw = window.innerWidth;
		if (doc.scrollWidth <= vw) return null;
		const clipped = (el) => {
			let abs = getComputedStyle(el).position === 'absolute';
			for (let p = el.parentElement; p && p !== doc; p = p.parentElement) {
				const s = getComputedStyle(p);
				if (abs) {
					if (s.position === 'static') continue;
					abs = s.position === 'absolute';
				}
				if (s.overflowX !== 'visible') return true;
			}
			return false;
		};
		const describe = (el) => {
			let d = el.tagName.toLowerCase();
			if (el.id) d += `#${el.id}`;
			if (typeof el.className === 'string' && el.className) d += '.' + el.className.trim().split(/\s+/).join('.');
			const t = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
			return t ? `${d} "${t}"` : d;
		};
		const found = [];
		for (const el of document.body.querySelectorAll('*')) {
			const r = el.getBoundingClientRect();
			const st = getComputedStyle(el);
			if (st.position === 'fixed') continue;
			let right = r.right;
			// Or its own text spilling out of it (a long line in a <pre>).
			if (right <= vw + 0.5 && st.overflowX === 'visible' && r.left + el.scrollWidth > vw + 0.5) {
				for (const n of el.childNodes) {
					if (n.nodeType !== Node.TEXT_NODE || !n.textContent.trim()) continue;
					const range = document.createRange();
					range.selectNodeContents(n);
					right = Math.max(right, range.getBoundingClientRect().right);
				}
			}
			if (right <= vw + 0.5) continue;
			if (found.some((f) => f.contains(el)) || clipped(el)) continue;
			found.push(el);
		}
		return {
			scrollWidth: doc.scrollWidth,
			innerWidth: vw,
			out: found.slice(0, 8).map((el) => `${describe(el)} reaches past ${vw} px`),
		};
	});
}

// Every label of a tile map inside its tile, in the SVG's own units (so at
// any width). Null when the page has no tile map.
async function tileLabels(page) {
	return page.evaluate(() => {
		const tiles = [...document.querySelectorAll('svg.chart a')]
			.map((a) => [a.querySelector('rect'), a.querySelector('text')])
			.filter(([r, t]) => r && t);
		if (!tiles.length) return null;
		const out = [];
		for (const [rect, text] of tiles) {
			const r = rect.getBBox();
			const t = text.getBBox();
			if (t.x < r.x - 0.5 || t.x + t.width > r.x + r.width + 0.5) {
				out.push(`"${text.textContent}" is ${t.width.toFixed(0)} wide in a tile of ${r.width}`);
			}
		}
		return out;
	});
}

async function axeRun(page) {
	await page.evaluate(axeSource);
	return page.evaluate(async (tags) => {
		const r = await window.axe.run(document, {
			runOnly: { type: 'tag', values: tags },
			resultTypes: ['violations'],
		});
		return r.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 200)}`),
		}));
	}, AXE_TAGS);
}

// Tab from the top of a freshly loaded page: the skip link comes first and
// is visible, and each of the first FOCUS_STOPS stops shows a focus
// indicator; then Enter on the skip link moves focus to main.
async function keyboard(page) {
	const problems = [];
	await page.evaluate(() => window.scrollTo(0, 0));
	const seen = new Set();
	for (let i = 0; i < FOCUS_STOPS; i++) {
		await page.keyboard.press('Tab');
		const f = await page.evaluate(() => {
			const a = document.activeElement;
			if (!a || a === document.body) return null;
			const s = getComputedStyle(a);
			const r = a.getBoundingClientRect();
			const main = document.querySelector('main');
			return {
				key: a.outerHTML.slice(0, 160) + [...a.parentNode.children].indexOf(a),
				desc: `${a.tagName.toLowerCase()}${a.className && typeof a.className === 'string' ? '.' + a.className : ''} ` +
					`"${(a.textContent || '').trim().slice(0, 40)}"`,
				indicator: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) ||
					(s.boxShadow && s.boxShadow !== 'none'),
				skip: a.tagName === 'A' && (a.getAttribute('href') || '').startsWith('#') && !!main &&
					!!(a.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_FOLLOWING),
				target: (a.getAttribute('href') || '').slice(1),
				inView: r.width > 1 && r.height > 1 && r.left >= 0 && r.top >= 0 &&
					r.right <= window.innerWidth && r.bottom <= window.innerHeight,
			};
		});
		if (!f || seen.has(f.key)) break;
		seen.add(f.key);
		if (i === 0) {
			if (!f.skip) {
				problems.push(`first Tab stop is ${f.desc}, not a skip link to main`);
				return problems;
			}
			if (!f.inView) problems.push('the skip link is not in view when focused');
		}
		if (!f.indicator) problems.push(`no visible focus indicator on Tab stop ${i + 1}: ${f.desc}`);
	}
	// Enter on the skip link.
	await page.locator('a[href^="#"]').first().focus();
	await page.keyboard.press('Enter');
	const after = await page.evaluate(() => {
		const main = document.querySelector('main');
		const skip = document.querySelector('a[href^="#"]');
		return {
			mainId: main && main.id,
			target: skip.getAttribute('href').slice(1),
			onMain: !!main && document.activeElement === main,
			active: document.activeElement.tagName.toLowerCase(),
		};
	});
	if (after.mainId !== after.target) problems.push(`the skip link points to #${after.target}, main is #${after.mainId}`);
	if (!after.onMain) problems.push(`after Enter on the skip link the focus is on ${after.active}, not main`);
	return problems;
}

// Every browser check of one page, reported through report(name, problems).
async function checkPage(t, base, desk, zoom, report) {
	const name = `${t.lang} ${t.kind} (${t.file})`;
	const url = base + t.file;
	const page = await desk.newPage();
	const errors = [];
	// A missing favicon.ico is no fault of the site's.
	const favicon = (u) => /\/favicon\.ico$/.test(u || '');
	page.on('console', (m) => {
		if ((m.type() === 'error' || m.type() === 'warning') && !favicon(m.location().url)) {
			errors.push(`console ${m.type()}: ${m.text()} (${m.location().url})`);
		}
	});
	page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
	page.on('requestfailed', (r) => favicon(r.url()) || errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
	page.on('response', (r) => {
		if (r.status() >= 400 && !favicon(r.url())) errors.push(`HTTP ${r.status()}: ${r.url()}`);
	});
	try {
		const res = await page.goto(url, { waitUntil: 'load' });
		if (!res || res.status() !== 200) errors.push(`HTTP ${res && res.status()} for the page itself`);

		// The page's language, and its alternates and language switcher
		// pointing to the same page in every language.
		const got = await page.evaluate(() => ({
			lang: document.documentElement.getAttribute('lang'),
			alternates: [...document.querySelectorAll('link[rel="alternate"][hreflang]')].map((a) => [a.hreflang, a.href]),
			switcher: [...document.querySelectorAll('a[hreflang]')].map((a) => [a.hreflang, a.href]),
		}));
		const langProblems = got.lang === t.lang ? [] : [`<html lang="${got.lang}">, want "${t.lang}"`];
		for (const l of t.langs) {
			const want = base + l.prefix + t.rel;
			for (const [what, list] of [['<link rel="alternate">', got.alternates], ['language switcher', got.switcher]]) {
				const hit = list.find(([code]) => code === l.code);
				if (!hit) langProblems.push(`${what}: no link for ${l.code}`);
				else if (hit[1] !== want) langProblems.push(`${what}: ${l.code} links to ${hit[1].slice(base.length)}, want ${want.slice(base.length)}`);
			}
		}
		report(`lang ${name}`, langProblems);

		const violations = await axeRun(page);
		report(`axe ${name}`, violations.flatMap((v) =>
			[`${v.id} (${v.impact}): ${v.help}`, ...v.nodes.slice(0, 4).map((n) => `    ${n}`),
				...(v.nodes.length > 4 ? [`    (${v.nodes.length} elements in all)`] : [])]));

		for (const w of WIDTHS) {
			await page.setViewportSize({ width: w, height: w < 800 ? 740 : 800 });
			const o = await overflow(page);
			if (shots && SHOT_WIDTHS.includes(w)) {
				// The whole page, but no taller than SHOT_MAX px.
				const [sw, sh] = await page.evaluate(() =>
					[document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
				await page.screenshot({
					path: path.join(shots, `${t.lang}-${t.kind.replace(/\s+/g, '-')}-${w}.png`),
					fullPage: true,
					clip: { x: 0, y: 0, width: sw, height: Math.min(sh, SHOT_MAX) },
				});
			}
			report(`overflow ${w}px ${name}`, o ? [`scrollWidth ${o.scrollWidth} > innerWidth ${o.innerWidth}`, ...o.out] : []);
		}
		await page.setViewportSize({ width: 1280, height: 800 });
		const labels = await tileLabels(page);
		if (labels) report(`tile labels inside their tiles ${name}`, labels);
		report(`keyboard ${name}`, await keyboard(page));
		report(`console ${name}`, errors);
	} finally {
		await page.close();
	}

	const zp = await zoom.newPage();
	try {
		await zp.goto(url, { waitUntil: 'load' });
		const zo = await overflow(zp);
		report(`overflow 200% zoom ${name}`, zo ? [`scrollWidth ${zo.scrollWidth} > innerWidth ${zo.innerWidth}`, ...zo.out] : []);
	} finally {
		await zp.close();
	}
}

async function main() {
	const langs = languages();
	if (!langs.length) {
		check('site: languages in index.html', ['no <link rel="alternate" hreflang> in index.html']);
		return;
	}
	const kinds = pageKinds();
	const targets = [];
	for (const l of langs) {
		for (const [kind, rel] of kinds) {
			const file = l.prefix + rel;
			if (exists(file)) targets.push({ lang: l.code, kind, file, rel, langs });
			else check(`${l.code} ${kind}: ${file} exists`, ['missing']);
		}
	}
	if (args.only) {
		const re = new RegExp(args.only);
		for (let i = targets.length - 1; i >= 0; i--) if (!re.test(`${targets[i].lang} ${targets[i].kind}`)) targets.splice(i, 1);
		args.vnu = 'sample';
	}
	const everything = allHtml();
	const vnuFiles = args.vnu === 'all' ? everything : targets.map((t) => t.file);
	const vnuDone = vnu(vnuFiles);

	const srv = await serve(site, langs.map((l) => l.prefix.replace(/\/$/, '')).filter(Boolean));
	const browser = await chromium.launch({
		executablePath: args.chromium,
		headless: true,
		timeout: 60000,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync',
			'--disable-dev-shm-usage'],
	});
	try {
		// Two pages at a time, each worker with its own contexts (keyboard
		// focus is per page, but let nothing be shared); each page's lines
		// are printed together.
		const queue = targets.slice();
		await Promise.all([1, 2].map(async () => {
			const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
			const zoom = await browser.newContext({ viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
			desk.setDefaultTimeout(30000);
			zoom.setDefaultTimeout(30000);
			while (queue.length) {
				const t = queue.shift();
				const results = [];
				try {
					await checkPage(t, srv.url, desk, zoom, (name, problems) => results.push([name, problems]));
				} catch (e) {
					results.push([`${t.lang} ${t.kind} (${t.file}) checked to the end`, [e && e.stack ? e.stack : String(e)]]);
				}
				for (const [name, problems] of results) check(name, problems);
			}
			await desk.close();
			await zoom.close();
		}));
	} finally {
		await browser.close();
	}

	note(`browser checks of ${targets.length} pages`);
	if (args.only) {
		await srv.close();
		return finishVnu(await vnuDone, targets, vnuFiles, everything);
	}
	// Links, crawled from every language's front page and from the pages
	// checked above (the 404 pages are linked from nowhere).
	const starts = langs.map((l) => srv.url + l.prefix + 'index.html');
	const { pages, broken, linked } = await crawl(srv.url, [...starts, ...targets.map((t) => srv.url + t.file)]);
	for (const l of langs) {
		const problems = [];
		let n = 0;
		for (const [url, entry] of pages) {
			if (!entry.ids) continue;
			const rel = url.slice(srv.url.length);
			const other = langs.find((x) => x.prefix && rel.startsWith(x.prefix));
			if ((other ? other.code : langs.find((x) => !x.prefix)?.code) !== l.code) continue;
			n++;
			for (const p of broken.get(url) || []) problems.push(`${rel}: ${p}`);
		}
		check(`links ${l.code}: ${n} pages crawled from ${l.prefix}index.html, no broken internal link`, problems);
	}
	const orphans = everything.filter((f) => !linked.has(srv.url + f) && !starts.includes(srv.url + f) &&
		!/(^|\/)404\.html$/.test(f));
	check(`links: every page but 404 is linked from another page (${everything.length} pages)`,
		orphans.map((f) => `not linked: ${f}`));
	// The server answers a missing page with the 404 page and status 404.
	const nf = await fetch(srv.url + 'ei-tallaista-sivua/');
	check('server: a missing page answers 404 with the site\'s 404 page',
		nf.status === 404 && (await nf.text()).includes('<main') ? [] : [`status ${nf.status}`]);
	note(`crawl of ${pages.size} URLs`);
	await srv.close();
	finishVnu(await vnuDone, targets, vnuFiles, everything);
}

function finishVnu(v, targets, vnuFiles, everything) {
	note(`Nu HTML Checker over ${vnuFiles.length} pages`);
	if (v.fatal) {
		check(`vnu: the Nu HTML Checker ran over ${vnuFiles.length} pages`, [v.fatal]);
	} else {
		for (const t of targets) {
			check(`vnu ${t.lang} ${t.kind} (${t.file})`, v.byFile.get(t.file) || []);
		}
		if (args.vnu === 'all') {
			const named = new Set(targets.map((t) => t.file));
			const rest = [];
			for (const [f, msgs] of v.byFile) if (!named.has(f)) rest.push(...msgs.slice(0, 2).map((m) => `${f}: ${m}`));
			check(`vnu: every other page (${everything.length - targets.length}) has no error`, rest);
		} else if (v.code !== 0 && v.byFile.size === 0) {
			check('vnu: exit status', [`exit ${v.code} without messages`]);
		}
	}
}

// A hung browser or checker fails the suite instead of stalling make test.
const WATCHDOG_S = 600;
setTimeout(() => {
	check(`browser tests finished within ${WATCHDOG_S} s`, ['gave up waiting']);
	if (vnuChild && vnuChild.exitCode === null) vnuChild.kill();
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(1);
}, WATCHDOG_S * 1000).unref();

try {
	await main();
} catch (e) {
	check('browser tests ran to the end', [e && e.stack ? e.stack : String(e)]);
}
const kept = process.env.TK_SHOTS_TEMP ? ', removed at exit: set TK_SHOTS=DIR to keep them' : '';
console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s${shots ? `; screenshots in ${shots}${kept}` : ''})`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
