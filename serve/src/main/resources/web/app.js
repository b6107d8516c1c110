'use strict';

// The page keeps its whole query in the URL (q, similar or image=upload, page, min_score, filter), so a search can
// be shared and the back button replays it. Everything user-supplied is rendered with textContent, never as HTML.

const PAGE_SIZE = 24;
const KEY_STORAGE = 'imgsearch-api-key';

const el = (id) => document.getElementById(id);
const state = {
  key: sessionStorage.getItem(KEY_STORAGE),
  upload: null,        // {file, previewUrl} of the last uploaded query image; files cannot live in a URL
  sequence: 0,         // only the newest search may render
  blobUrls: [],
};

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  if (state.key) headers.set('Authorization', 'Bearer ' + state.key);
  const response = await fetch(path, { ...options, headers });
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (response.status === 401) {
    askForKey();
  }
  if (!response.ok) {
    throw new ApiError(response.status, (body && body.error) || `the server answered ${response.status}`);
  }
  return body;
}

function askForKey() {
  const dialog = el('key-dialog');
  if (!dialog.open) {
    el('key-input').value = '';
    dialog.showModal();
  }
}

function queryFromUrl() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get('q') || '',
    similar: p.get('similar'),
    upload: p.get('image') === 'upload',
    page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1),
    minScore: p.get('min_score') || '',
    filters: p.getAll('filter'),
  };
}

function navigate(query) {
  const p = new URLSearchParams();
  if (query.similar) p.set('similar', query.similar);
  else if (query.upload) p.set('image', 'upload');
  else if (query.q) p.set('q', query.q);
  if (query.page > 1) p.set('page', String(query.page));
  if (query.minScore !== '') p.set('min_score', query.minScore);
  query.filters.forEach((f) => p.append('filter', f));
  const url = p.toString() ? '/?' + p.toString() : '/';
  if (url !== location.pathname + location.search) {
    history.pushState(null, '', url);
  }
  render();
}

function formQuery(overrides) {
  const filters = el('filters').value.split(',').map((f) => f.trim()).filter((f) => f);
  return { q: el('query').value.trim(), similar: null, upload: false, page: 1,
    minScore: el('min-score').value.trim(), filters, ...overrides };
}

function searchParams(query) {
  const p = new URLSearchParams({ k: String(PAGE_SIZE), page: String(query.page) });
  if (query.minScore !== '') p.set('min_score', query.minScore);
  query.filters.forEach((f) => p.append('filter', f));
  return p;
}

async function render() {
  const query = queryFromUrl();
  el('query').value = query.q;
  el('min-score').value = query.minScore;
  el('filters').value = query.filters.join(', ');
  if (query.minScore !== '' || query.filters.length) el('advanced').open = true;
  el('error').hidden = true;

  if (!query.q && !query.similar && !query.upload) {
    clearResults();
    el('empty').hidden = false;
    el('query-banner').hidden = true;
    el('status').textContent = '';
    document.title = 'imgsearch';
    return;
  }
  el('empty').hidden = true;
  const sequence = ++state.sequence;
  const params = searchParams(query);
  let request;
  if (query.similar) {
    showBanner(`/api/images/${encodeURIComponent(query.similar)}?size=256`, 'Images like this one', query.similar);
    request = () => api(`/api/images/${encodeURIComponent(query.similar)}/similar?${params}`);
    document.title = 'Similar images · imgsearch';
  } else if (query.upload) {
    if (!state.upload) {
      el('query-banner').hidden = true;
      clearResults();
      showError('The uploaded image is no longer in this tab. Drop or choose it again.');
      return;
    }
    showBanner(state.upload.previewUrl, 'Images like your upload', state.upload.file.name, true);
    const form = new FormData();
    form.append('image', state.upload.file);
    request = () => api(`/api/search/image?${params}`, { method: 'POST', body: form });
    document.title = 'Image search · imgsearch';
  } else {
    el('query-banner').hidden = true;
    params.set('text', query.q);
    request = () => api(`/api/search?${params}`);
    document.title = `${query.q} · imgsearch`;
  }
  el('status').textContent = 'Searching…';
  document.body.classList.add('loading');
  try {
    const page = await request();
    if (sequence !== state.sequence) return;
    showResults(page, query);
  } catch (e) {
    if (sequence !== state.sequence) return;
    clearResults();
    el('status').textContent = '';
    showError(e.message);
  } finally {
    if (sequence === state.sequence) document.body.classList.remove('loading');
  }
}

function showBanner(src, title, sub, plain) {
  el('query-banner').hidden = false;
  el('query-title').textContent = title;
  el('query-sub').textContent = sub || '';
  loadImage(el('query-image'), src, plain);
}

function showError(message) {
  el('error').textContent = message;
  el('error').hidden = false;
}

function clearResults() {
  state.blobUrls.forEach((url) => URL.revokeObjectURL(url));
  state.blobUrls = [];
  el('results').replaceChildren();
  el('pager').hidden = true;
}

function showResults(page, query) {
  clearResults();
  const first = page.offset + 1;
  const count = page.results.length;
  el('status').textContent = count === 0
    ? 'No images match.'
    : `Results ${first}–${page.offset + count} · ${page.took_ms} ms`;
  const grid = el('results');
  page.results.forEach((result) => grid.appendChild(card(result)));
  el('pager').hidden = !(page.has_more || query.page > 1);
  el('prev').disabled = query.page <= 1;
  el('next').disabled = !page.has_more;
  el('page-label').textContent = `Page ${query.page}`;
}

function card(result) {
  const figure = document.createElement('figure');
  figure.className = 'result';
  figure.dataset.id = result.id;

  const thumb = document.createElement('button');
  thumb.type = 'button';
  thumb.className = 'thumb';
  thumb.title = 'More like this';
  const img = document.createElement('img');
  img.alt = result.caption || fileName(result.uri);
  img.loading = 'lazy';
  loadImage(img, result.thumbnail_url);
  thumb.appendChild(img);
  thumb.addEventListener('click', () => {
    navigate({ ...queryFromUrl(), similar: result.id, upload: false, q: '', page: 1 });
    window.scrollTo({ top: 0, behavior: 'smooth' });
  });

  const score = document.createElement('span');
  score.className = 'score';
  score.textContent = result.score.toFixed(3);

  const caption = document.createElement('figcaption');
  const text = document.createElement('div');
  text.className = 'caption';
  text.textContent = result.caption || fileName(result.uri);
  text.title = result.uri || '';
  const meta = document.createElement('div');
  meta.className = 'meta';
  const size = document.createElement('span');
  size.textContent = result.width && result.height ? `${result.width}×${result.height}` : '';
  meta.appendChild(size);
  if (!state.key) {
    const original = document.createElement('a');
    original.href = result.image_url;
    original.target = '_blank';
    original.rel = 'noopener';
    original.textContent = 'Original';
    meta.appendChild(original);
  }
  caption.append(text, meta);
  figure.append(thumb, score, caption);
  return figure;
}

function fileName(uri) {
  if (!uri) return '';
  const path = uri.split(/[?#]/)[0];
  try {
    return decodeURIComponent(path.substring(path.lastIndexOf('/') + 1)) || uri;
  } catch (e) {
    return path.substring(path.lastIndexOf('/') + 1) || uri;
  }
}

// With an API key, images cannot be plain <img src> (no header); they are fetched and shown from blob URLs.
async function loadImage(img, src, plain) {
  if (!state.key || plain) {
    img.src = src;
    return;
  }
  try {
    const response = await fetch(src, { headers: { Authorization: 'Bearer ' + state.key } });
    if (!response.ok) return;
    const url = URL.createObjectURL(await response.blob());
    state.blobUrls.push(url);
    img.src = url;
  } catch (e) {
    img.alt = 'image unavailable';
  }
}

function searchWithFile(file) {
  if (!file) return;
  if (!file.type.startsWith('image/') && file.type !== '') {
    showError(`${file.name} is not an image.`);
    return;
  }
  if (state.upload) URL.revokeObjectURL(state.upload.previewUrl);
  state.upload = { file, previewUrl: URL.createObjectURL(file) };
  el('query').value = '';
  navigate(formQuery({ q: '', upload: true }));
}

async function loadStats() {
  try {
    const stats = await api('/api/stats');
    const images = Number(stats.images).toLocaleString();
    el('stats').textContent = stats.model ? `${images} images · ${stats.model}` : `${images} images · model loading…`;
    el('model-warning').textContent = stats.warning || '';
    el('model-warning').hidden = !stats.warning;
    if (!stats.model) setTimeout(loadStats, 3000);
  } catch (e) {
    el('stats').textContent = '';
  }
}

function setUpDragAndDrop() {
  let depth = 0;
  const overlay = el('drop-overlay');
  const hasFiles = (event) => Array.from(event.dataTransfer.types || []).includes('Files');
  window.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    depth++;
    overlay.hidden = false;
  });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) overlay.hidden = true;
  });
  window.addEventListener('dragover', (event) => {
    if (hasFiles(event)) event.preventDefault();
  });
  window.addEventListener('drop', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth = 0;
    overlay.hidden = true;
    searchWithFile(event.dataTransfer.files[0]);
  });
}

function init() {
  el('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = formQuery({});
    if (!query.q) {
      showError('Type something to search for, or choose an image.');
      return;
    }
    navigate(query);
  });
  el('file-input').addEventListener('change', (event) => {
    searchWithFile(event.target.files[0]);
    event.target.value = '';
  });
  el('prev').addEventListener('click', () => navigate({ ...queryFromUrl(), page: queryFromUrl().page - 1 }));
  el('next').addEventListener('click', () => navigate({ ...queryFromUrl(), page: queryFromUrl().page + 1 }));
  el('key-form').addEventListener('submit', () => {
    state.key = el('key-input').value.trim() || null;
    if (state.key) sessionStorage.setItem(KEY_STORAGE, state.key);
    loadStats();
    render();
  });
  el('key-cancel').addEventListener('click', () => el('key-dialog').close());
  window.addEventListener('popstate', render);
  setUpDragAndDrop();
  loadStats();
  render();
}

init();
