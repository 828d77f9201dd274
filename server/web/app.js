// The charfinder page: search as you type over /search, details from
// /char/U+XXXX, the URL follows the query.  Without this script the page
// is a plain form that the daemon answers with rendered rows.
// Every piece of data goes into the page as text (textContent), never as
// markup: the page must be safe whatever a name or a query holds.
'use strict';

(() => {
	const PAGE = 100;          // results per request
	const DEBOUNCE_MS = 150;   // typing pause before a search
	const SETTLE_MS = 1000;    // typing pause that ends a history entry
	const TOAST_MS = 1600;
	const KEYWORDS_IN_ROW = 8;

	const $ = (id) => document.getElementById(id);
	const form = $('search');
	const input = $('q');
	const emojiButton = $('emoji');
	const statusLine = $('status');
	const table = $('results');
	const rows = $('rows');
	const moreButton = $('more');
	const details = $('details');
	const detailsEmpty = $('details-empty');
	const detailsBody = $('details-body');
	const toast = $('toast');

	// What the table shows: the query, its count and the results so far.
	let shown = { query: null, count: 0, results: [] };
	let searching = null;      // AbortController of the request in flight
	let searchingQuery = null; // and its query
	let detailing = null;      // same, for the details view
	let debounceTimer = 0;
	let settleTimer = 0;
	let toastTimer = 0;
	// True while the current history entry belongs to a query being typed:
	// further keystrokes replace it instead of adding entries.
	let typing = false;

	// ---- small helpers ----------------------------------------

	function el(tag, className, text) {
		const node = document.createElement(tag);
		if (className)
			node.className = className;
		if (text !== undefined && text !== null)
			node.textContent = text;
		return node;
	}

	function plural(n, one, many) {
		return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
	}

	// /?q=chess+black, /?q=:cat, /?q=U%2B2654: readable and exact.
	function pageUrl(query) {
		if (!query)
			return '/';
		return '/?q=' + encodeURIComponent(query)
		    .replace(/%20/g, '+').replace(/%3A/gi, ':');
	}

	function queryOfUrl() {
		return new URLSearchParams(location.search).get('q') || '';
	}

	class AnswerError extends Error {}

	async function getJson(url, signal) {
		const response = await fetch(url, {
			signal, headers: { Accept: 'application/json' },
		});
		let body = null;
		try {
			body = await response.json();
		} catch (e) {
			if (e.name === 'AbortError')
				throw e;
		}
		if (!response.ok || body === null) {
			const why = body && body.error ? body.error :
			    `the server answered ${response.status} ${response.statusText}`;
			throw new AnswerError(why);
		}
		return body;
	}

	function failureText(e) {
		return e instanceof AnswerError ? e.message :
		    'Cannot reach the server. Is charfinderd running?';
	}

	// ---- history ----------------------------------------------

	function setTitle(query) {
		document.title = query ? `${query} · charfinder` : 'charfinder';
	}

	// how: 'type' (keystrokes: one history entry per typing spell),
	// 'commit' (Enter, an example link: an entry of its own), 'pop' and
	// 'load' (the URL is already right).
	function followInUrl(query, how) {
		setTitle(query);
		if (how === 'pop' || how === 'load')
			return;
		const url = pageUrl(query);
		if (url !== location.pathname + location.search) {
			if (typing)
				history.replaceState(null, '', url);
			else
				history.pushState(null, '', url);
		}
		typing = how === 'type';
		clearTimeout(settleTimer);
		if (typing)
			settleTimer = setTimeout(settle, SETTLE_MS);
	}

	// The query on screen is what the user meant: keep its entry.
	function settle() {
		clearTimeout(settleTimer);
		typing = false;
	}

	// ---- searching --------------------------------------------

	function search(how) {
		clearTimeout(debounceTimer);
		const query = input.value.trim();
		syncEmojiButton();
		followInUrl(query, how);
		if (searching && query === searchingQuery)
			return;
		stopSearching();
		if (query === shown.query)
			return;
		if (!query) {
			shown = { query: '', count: 0, results: [] };
			rows.replaceChildren();
			statusLine.textContent = '';
			statusLine.classList.remove('error');
			moreButton.hidden = true;
			return;
		}
		fetchPage(query, 0);
	}

	function stopSearching() {
		if (!searching)
			return;
		searching.abort();
		searching = null;
		form.classList.remove('busy');
		moreButton.disabled = false;
	}

	async function fetchPage(query, offset) {
		const controller = new AbortController();
		searching = controller;
		searchingQuery = query;
		form.classList.add('busy');
		moreButton.disabled = true;
		const url = `/search?q=${encodeURIComponent(query)}` +
		    `&limit=${PAGE}&offset=${offset}`;
		try {
			const answer = await getJson(url, controller.signal);
			if (searching !== controller)
				return;
			show(query, answer, offset > 0);
		} catch (e) {
			if (e.name === 'AbortError' || searching !== controller)
				return;
			showFailure(query, failureText(e), offset > 0);
		} finally {
			if (searching === controller) {
				searching = null;
				form.classList.remove('busy');
				moreButton.disabled = false;
			}
		}
	}

	function show(query, answer, append) {
		const results = Array.isArray(answer.results) ? answer.results : [];
		const first = append ? shown.results.length : 0;
		shown = {
			query,
			count: answer.count,
			results: append ? shown.results.concat(results) : results,
		};
		const fragment = document.createDocumentFragment();
		// Every answer to a ':' query is an emoji, sequence or not.
		const emoji = query.startsWith(':');
		results.forEach((r, i) =>
		    fragment.append(resultRow(r, first + i, emoji)));
		if (append) {
			rows.append(fragment);
		} else {
			rows.replaceChildren(fragment);
			const top = rows.firstElementChild;
			if (top)
				top.tabIndex = 0;
		}
		showStatus();
	}

	function showStatus() {
		const { query, count, results } = shown;
		statusLine.classList.remove('error');
		if (count === 0) {
			statusLine.textContent = `No match for “${query}”`;
			if (query.startsWith(':'))
				statusLine.textContent += ' among the emoji';
		} else {
			statusLine.textContent =
			    `${plural(count, 'match', 'matches')} for “${query}”`;
			if (results.length < count)
				statusLine.textContent +=
				    ` · showing ${results.length.toLocaleString('en')}`;
		}
		const left = count - results.length;
		moreButton.hidden = left <= 0;
		moreButton.textContent = left > PAGE ?
		    `Show ${PAGE} more (${left.toLocaleString('en')} left)` :
		    `Show the last ${left.toLocaleString('en')}`;
	}

	function showFailure(query, why, append) {
		if (!append) {
			shown = { query, count: 0, results: [] };
			rows.replaceChildren();
			moreButton.hidden = true;
		}
		statusLine.textContent = why;
		statusLine.classList.add('error');
	}

	function resultRow(r, index, emojiQuery) {
		const tr = el('tr');
		tr.tabIndex = -1;
		tr.dataset.index = index;
		const sequence = Array.isArray(r.cps);
		if (emojiQuery || sequence)
			tr.classList.add('emoji');
		const cp = el('td', 'cp');
		const cps = sequence ? r.cps : [r.cp];
		// A long sequence: its first code point here, all in the details.
		const listed = cps.length > 2 ? cps.slice(0, 1) : cps;
		for (const c of listed)
			cp.append(el('span', null, c), ' ');
		cp.lastChild.remove();
		if (listed.length < cps.length) {
			cp.title = cps.join(' ');
			cp.append(' ', el('span', 'tag',
			    `+${cps.length - listed.length}`));
		}
		const ch = el('td', 'ch');
		ch.append(glyph(r.char));
		const name = el('td', 'name');
		name.append(el('span', 'label', r.name));
		if (r.alias)
			name.append(' ', el('span', 'tag', `alias ${r.alias}`));
		const words = keywordsOf(r, 'en');
		if (words.length)
			name.append(el('span', 'keywords',
			    words.slice(0, KEYWORDS_IN_ROW).join(' · ')));
		tr.append(cp, ch, name);
		return tr;
	}

	// How a character is shown (copying takes it as it is): a combining
	// mark on a dotted circle, white space and format characters framed.
	function shownAs(char) {
		return /^\p{M}/u.test(char) ? '\u25CC' + char : char;
	}

	function glyph(char) {
		const span = el('span', 'glyph', shownAs(char));
		if (/^[\p{Z}\p{Cf}]+$/u.test(char))
			span.classList.add('blank');
		return span;
	}

	function keywordsOf(r, language) {
		const k = r.keywords && r.keywords[language];
		return Array.isArray(k) ? k.filter((w) => w !== r.name) : [];
	}

	// A row the daemon rendered (before our own answer came) or ours.
	function resultOfRow(tr) {
		const i = tr.dataset.index;
		if (i !== undefined && shown.results[i])
			return shown.results[i];
		const cell = (c) => (tr.querySelector('td.' + c) || {}).textContent;
		const cp = cell('cp');
		return cp ? { cp, char: cell('ch'), name: cell('name') } : null;
	}

	// ---- emoji ------------------------------------------------

	function syncEmojiButton() {
		emojiButton.setAttribute('aria-pressed',
		    String(input.value.trimStart().startsWith(':')));
	}

	function toggleEmoji() {
		const value = input.value.trimStart();
		input.value = value.startsWith(':') ? value.slice(1) : ':' + value;
		input.focus();
		search('commit');
	}

	// ---- copying ----------------------------------------------

	async function copy(text, what) {
		let done = false;
		if (navigator.clipboard && window.isSecureContext) {
			try {
				await navigator.clipboard.writeText(text);
				done = true;
			} catch (e) {
				done = false;
			}
		}
		if (!done)
			done = copyBySelection(text);
		say(done ? `Copied ${what}` :
		    'Could not copy: select the character and press Ctrl+C');
	}

	// Plain HTTP from another host has no navigator.clipboard.
	function copyBySelection(text) {
		const focused = document.activeElement;
		const area = el('textarea', 'offscreen');
		area.value = text;
		area.setAttribute('readonly', '');
		document.body.append(area);
		area.select();
		let done = false;
		try {
			done = document.execCommand('copy');
		} catch (e) {
			done = false;
		}
		area.remove();
		if (focused)
			focused.focus({ preventScroll: true });
		return done;
	}

	function say(text) {
		toast.textContent = text;
		toast.classList.add('show');
		clearTimeout(toastTimer);
		toastTimer = setTimeout(() => toast.classList.remove('show'),
		    TOAST_MS);
	}

	// ---- rows: click, keys ------------------------------------

	function rowOf(node) {
		const tr = node.closest && node.closest('tr');
		return tr && tr.parentNode === rows && !tr.classList.contains('status')
		    ? tr : null;
	}

	function focusRow(tr) {
		if (!tr)
			return;
		for (const other of rows.querySelectorAll('tr[tabindex="0"]'))
			other.tabIndex = -1;
		tr.tabIndex = 0;
		tr.focus();
	}

	function activate(tr) {
		const r = resultOfRow(tr);
		if (!r)
			return;
		for (const other of rows.querySelectorAll('tr.selected'))
			other.classList.remove('selected');
		tr.classList.add('selected');
		settle();
		copy(r.char, `${shownAs(r.char)} ${r.cps ? r.cps.join(' ') : r.cp}`);
		showDetails(r, tr.classList.contains('emoji'));
	}

	function onRowKey(event) {
		const tr = rowOf(event.target);
		if (!tr || event.altKey || event.ctrlKey || event.metaKey)
			return;
		const all = [...rows.children].filter(rowOf);
		const at = all.indexOf(tr);
		const pageStep = 10;
		const go = {
			ArrowDown: at + 1, ArrowUp: at - 1,
			PageDown: at + pageStep, PageUp: at - pageStep,
			Home: 0, End: all.length - 1,
		}[event.key];
		if (go !== undefined) {
			event.preventDefault();
			if (go < 0)
				input.focus();
			else
				focusRow(all[Math.min(go, all.length - 1)]);
		} else if (event.key === 'Enter' || event.key === ' ') {
			event.preventDefault();
			activate(tr);
		} else if (event.key === 'Escape') {
			input.focus();
		}
	}

	// ---- details ----------------------------------------------

	function fact(list, term, ...values) {
		const shownValues = values.filter((v) => v !== null && v !== undefined &&
		    v !== '' && !(Array.isArray(v) && !v.length));
		if (!shownValues.length)
			return;
		const dd = el('dd');
		for (const v of shownValues) {
			if (v instanceof Node)
				dd.append(v);
			else
				dd.append(el('span', null, Array.isArray(v) ? v.join(', ') : v));
		}
		list.append(el('dt', null, term), dd);
	}

	function chips(words, language) {
		const ul = el('ul', 'chips');
		ul.lang = language;
		for (const w of words)
			ul.append(el('li', null, w));
		return ul;
	}

	function openDetails() {
		details.classList.add('open');
		detailsEmpty.hidden = true;
		detailsBody.hidden = false;
	}

	function closeDetails() {
		details.classList.remove('open');
		detailsEmpty.hidden = false;
		detailsBody.hidden = true;
		if (detailing)
			detailing.abort();
		const selected = rows.querySelector('tr.selected');
		if (selected) {
			selected.classList.remove('selected');
			focusRow(selected);
		}
	}

	// /char/U+265A: the + as it is (the daemon reads %2B as a bad token).
	function charUrl(cp) {
		if (!/^U\+[0-9A-F]{1,6}$/i.test(cp))
			throw new AnswerError(`no details for ${cp}`);
		return `/char/${cp}`;
	}

	// The header at once from the result, the facts from /char/.
	async function showDetails(r, emoji) {
		if (detailing)
			detailing.abort();
		const controller = new AbortController();
		detailing = controller;
		const sequence = Array.isArray(r.cps) && r.cps.length > 1;
		const cps = Array.isArray(r.cps) ? r.cps : [r.cp];
		openDetails();
		details.classList.toggle('emoji', emoji);
		$('details-glyph').replaceChildren(glyph(r.char));
		$('details-name').textContent = r.name || '';
		$('details-cp').textContent = cps.join(' ');
		$('copy-char').dataset.copy = r.char;
		$('copy-char').textContent = sequence ? 'Copy emoji' :
		    `Copy ${shownAs(r.char)}`;
		$('copy-cp').dataset.copy = cps.join(' ');
		$('copy-cp').textContent = sequence ? 'Copy code points' :
		    `Copy ${cps[0]}`;
		const list = $('details-list');
		const parts = $('details-parts');
		list.replaceChildren();
		parts.replaceChildren();
		parts.hidden = true;
		details.classList.add('loading');
		try {
			const infos = await Promise.all(cps.map((cp) => getJson(
			    charUrl(cp), controller.signal)));
			if (detailing !== controller)
				return;
			if (sequence)
				fillSequence(r, infos, list, parts);
			else
				fillOne(r, infos[0], list, emoji);
		} catch (e) {
			if (e.name === 'AbortError' || detailing !== controller)
				return;
			fact(list, 'Details', failureText(e));
		} finally {
			if (detailing === controller) {
				detailing = null;
				details.classList.remove('loading');
			}
		}
	}

	// An emoji keeps its short name as the title ("grinning cat").
	function fillOne(r, c, list, emoji) {
		if (c.name === null && c.label)
			$('details-name').textContent = c.label;
		else if (!emoji && c.name)
			$('details-name').textContent = c.name;
		if (emoji && c.name && c.name !== r.name)
			fact(list, 'Unicode name', c.name);
		fact(list, 'Also known as', c.aliases);
		fact(list, 'Category', c.category && c.category_name ?
		    `${c.category} · ${c.category_name.replace(/_/g, ' ')}` :
		    c.category);
		fact(list, 'Block', c.block);
		fact(list, 'Script', c.script);
		fact(list, 'Since', c.age ? `Unicode ${c.age}` : null);
		fact(list, 'UTF-8', c.utf8);
		fact(list, 'UTF-16', c.utf16);
		fact(list, 'HTML', `&#x${c.cp.replace(/^U\+/i, '')};`);
		emojiFacts(r, c, list);
	}

	function fillSequence(r, infos, list, parts) {
		emojiFacts(r, {}, list);
		fact(list, 'UTF-8', infos.map((c) => c.utf8).join(' '));
		for (const c of infos) {
			const li = el('li');
			li.append(glyph(c.char),
			    el('span', 'cp', c.cp),
			    el('span', 'label', c.name === null ? c.label : c.name));
			parts.append(li);
		}
		parts.hidden = false;
	}

	// 'ko' -> 'Korean', where the browser knows.
	function languageName(code) {
		try {
			return new Intl.DisplayNames(['en'], { type: 'language' })
			    .of(code) || code;
		} catch (e) {
			return code;
		}
	}

	function emojiFacts(r, c, list) {
		const keywords = r.keywords || c.keywords;
		if (r.group)
			fact(list, 'Emoji group', r.subgroup ?
			    `${r.group} › ${r.subgroup}` : r.group);
		else if (c.emoji !== undefined)
			fact(list, 'Emoji', c.emoji ? 'yes' : 'no');
		if (keywords && typeof keywords === 'object') {
			for (const [language, words] of Object.entries(keywords)) {
				if (Array.isArray(words) && words.length)
					fact(list, language === 'en' ? 'Keywords' :
					    languageName(language), chips(words, language));
			}
		}
	}

	// ---- wiring -----------------------------------------------

	input.addEventListener('input', () => {
		syncEmojiButton();
		clearTimeout(debounceTimer);
		debounceTimer = setTimeout(() => search('type'), DEBOUNCE_MS);
	});
	input.addEventListener('keydown', (event) => {
		if (event.key === 'ArrowDown' && rows.firstElementChild) {
			event.preventDefault();
			focusRow(rows.querySelector('tr[tabindex="0"]') ||
			    rows.firstElementChild);
		}
	});
	form.addEventListener('submit', (event) => {
		event.preventDefault();
		search('commit');
		settle();
	});
	emojiButton.addEventListener('click', toggleEmoji);
	moreButton.addEventListener('click', () => {
		if (!searching && shown.query)
			fetchPage(shown.query, shown.results.length);
	});
	rows.addEventListener('click', (event) => {
		const tr = rowOf(event.target);
		if (tr) {
			focusRow(tr);
			activate(tr);
		}
	});
	rows.addEventListener('keydown', onRowKey);
	for (const button of [$('copy-char'), $('copy-cp')])
		button.addEventListener('click', () =>
		    copy(button.dataset.copy, shownAs(button.dataset.copy)));
	$('details-close').addEventListener('click', closeDetails);
	// Example links search in place (a full page load without us).
	$('hint').addEventListener('click', (event) => {
		const link = event.target.closest('a[href^="/?q="]');
		if (!link || event.ctrlKey || event.metaKey || event.shiftKey)
			return;
		event.preventDefault();
		input.value = new URL(link.href).searchParams.get('q');
		settle();
		search('commit');
		input.focus();
	});
	document.addEventListener('keydown', (event) => {
		const target = event.target;
		const inField = target instanceof HTMLInputElement ||
		    target instanceof HTMLTextAreaElement || target.isContentEditable;
		if (event.key === '/' && !inField && !event.ctrlKey &&
		    !event.metaKey && !event.altKey) {
			event.preventDefault();
			input.focus();
			input.select();
		} else if (event.key === 'Escape' && details.classList.contains('open')) {
			closeDetails();
		}
	});
	input.addEventListener('blur', settle);
	window.addEventListener('popstate', () => {
		input.value = queryOfUrl();
		typing = false;
		search('pop');
	});

	// Take over: the parts that need a script, and our own answer to the
	// query the daemon already rendered (its rows stay until ours come).
	emojiButton.hidden = false;
	details.hidden = false;
	document.querySelector('.hint-keys').hidden = false;
	document.documentElement.classList.add('js');
	if (!input.value && queryOfUrl())
		input.value = queryOfUrl();
	syncEmojiButton();
	if (input.value.trim())
		search('load');
	else
		setTitle('');
})();
