'use strict';
// Tusk's UI: hash routes over the JSON API, refreshed every second while a page shows running work
// (the list of jobs also while none runs, every five seconds).
const page = document.getElementById('page');
let timer = null;
// the latest render: an older one still waiting for its data gives way (it would overwrite a newer page)
let generation = 0;
class Superseded extends Error {}
// a request the server does not answer in this time is given up, and the page tried again
const REQUEST_TIMEOUT_MILLIS = 10000;
// how often a page showing running work is read again; a list of jobs none of which runs, less often
const REFRESH_MILLIS = 1000;
const IDLE_REFRESH_MILLIS = 5000;

function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}
function duration(millis) {
  if (millis == null) return '';
  if (millis < 1000) return millis + ' ms';
  const seconds = millis / 1000;
  if (seconds < 60) return seconds.toFixed(1) + ' s';
  return Math.floor(seconds / 60) + ' min ' + Math.round(seconds % 60) + ' s';
}
function size(bytes) {
  if (!bytes) return '0 B';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let unit = 0;
  while (bytes >= 1024 && unit < units.length - 1) { bytes /= 1024; unit++; }
  return (unit === 0 ? bytes : bytes.toFixed(1)) + ' ' + units[unit];
}
function count(value) { return (value ?? 0).toLocaleString('en-US'); }
function time(millis) { return millis == null ? '' : new Date(millis).toLocaleTimeString(); }
function state(value) { return `<span class="state ${escapeHtml(value)}">${escapeHtml(value)}</span>`; }
function bar(done, total) {
  const percent = total === 0 ? 100 : Math.round(100 * done / total);
  return `<span class="bar" title="${done}/${total}"><span style="width:${percent}%"></span></span> ${done}/${total}`;
}
async function get(path) {
  const mine = generation;
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MILLIS);
  try {
    const response = await fetch(path, {cache: 'no-store', signal: controller.signal});
    if (!response.ok) throw new Error(path + ': ' + response.status);
    const data = await response.json();
    if (mine !== generation) throw new Superseded();
    return data;
  } catch (error) {
    if (error.name === 'AbortError') throw new Error(path + ': no answer within ' + REQUEST_TIMEOUT_MILLIS / 1000 + ' s');
    throw error;
  } finally {
    clearTimeout(timeout);
  }
}

async function jobsPage() {
  const data = await get('/api/v1/jobs');
  const rows = data.jobs.map(job => `<tr data-job="${job.id}">
      <td><a href="#/job/${job.id}">${job.id}</a></td><td>${escapeHtml(job.kind)}</td>
      <td><a href="#/job/${job.id}">${escapeHtml(job.name)}</a></td><td>${escapeHtml(job.description)}</td>
      <td>${state(job.state)}</td><td>${bar(job.succeededTasks, job.tasks)}</td><td class="number">${job.stages.length}</td>
      <td>${time(job.submitted)}</td><td class="number">${duration((job.completed ?? data.now) - job.submitted)}</td></tr>`).join('');
  page.innerHTML = `<h1>Jobs</h1><table id="jobs"><thead><tr><th>Id</th><th>Kind</th><th>Name</th><th>Description</th><th>State</th>
      <th>Tasks</th><th>Stages</th><th>Submitted</th><th>Duration</th></tr></thead><tbody>${rows}</tbody></table>`;
  // the list is never final: a job may start at any moment, sooner looked for while one runs
  return data.jobs.some(job => job.state === 'RUNNING') ? REFRESH_MILLIS : IDLE_REFRESH_MILLIS;
}

/** The stages as a left-to-right DAG: a stage's column is the length of the longest path to it from a stage without parents. */
function dag(job) {
  const byId = new Map(job.stages.map(stage => [stage.id, stage]));
  const column = new Map();
  const depth = stage => {
    if (!column.has(stage.id)) {
      column.set(stage.id, 0);
      column.set(stage.id, Math.max(0, ...stage.parents.filter(id => byId.has(id)).map(id => depth(byId.get(id)) + 1)));
    }
    return column.get(stage.id);
  };
  job.stages.forEach(depth);
  const rows = new Map();
  const position = new Map();
  for (const stage of job.stages) {
    const c = column.get(stage.id);
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    position.set(stage.id, {x: 10 + c * 260, y: 10 + r * 70});
  }
  const width = 10 + (Math.max(0, ...column.values()) + 1) * 260;
  const height = 10 + Math.max(1, ...rows.values()) * 70;
  const edges = job.stages.flatMap(stage => stage.parents.filter(id => position.has(id)).map(id => {
    const from = position.get(id), to = position.get(stage.id);
    return `<path class="edge" d="M${from.x + 220},${from.y + 25} C${from.x + 240},${from.y + 25} ${to.x - 20},${to.y + 25} ${to.x},${to.y + 25}"/>`;
  })).join('');
  const boxes = job.stages.map(stage => {
    const at = position.get(stage.id);
    return `<a href="#/job/${job.id}/stage/${stage.id}"><g data-stage="${stage.id}"><rect class="${stage.state}" x="${at.x}" y="${at.y}" width="220" height="50"/>
      <text x="${at.x + 8}" y="${at.y + 18}">Stage ${stage.id} · ${escapeHtml(stage.kind)}</text>
      <text x="${at.x + 8}" y="${at.y + 36}">${stage.succeededAttempts}/${stage.tasks} tasks · ${escapeHtml(stage.state)}${stage.cached.length ? ' · cached' : ''}</text>
      <title>${escapeHtml(stage.name)}${stage.cached.map(dataset => '\ncached: ' + escapeHtml(dataset)).join('')}</title></g></a>`;
  }).join('');
  return `<svg class="dag" width="${width}" height="${height}"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5"
      markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#6b7585"/></marker></defs>${edges}${boxes}</svg>`;
}

async function jobPage(id) {
  const job = await get(`/api/v1/jobs/${id}`);
  const stages = job.stages.map(stage => `<tr data-stage="${stage.id}"><td><a href="#/job/${job.id}/stage/${stage.id}">${stage.id}</a></td>
      <td>${escapeHtml(stage.kind)}</td><td>${escapeHtml(stage.name)}${stage.cached.map(dataset => `<br><small>cached: ${escapeHtml(dataset)}</small>`).join('')}</td><td>${state(stage.state)}</td>
      <td>${bar(stage.succeededAttempts, stage.tasks)}</td><td class="number">${stage.runningAttempts}</td><td class="number">${stage.failedAttempts}</td>
      <td class="number">${stage.killedAttempts}</td><td class="number">${duration(stage.submitted == null ? null : (stage.completed ?? Date.now()) - stage.submitted)}</td>
      <td class="number">${count(stage.shuffleRecords)}</td><td class="number">${size(stage.shuffleBytes)}</td><td class="number">${size(stage.spilledBytes)}</td></tr>`).join('');
  const counters = Object.entries(job.counters ?? {}).flatMap(([group, values]) => Object.entries(values).map(([name, value]) =>
      `<tr><td>${escapeHtml(group)}</td><td>${escapeHtml(name)}</td><td class="number" data-counter="${escapeHtml(group + '/' + name)}">${value.toLocaleString('en-US')}</td></tr>`)).join('');
  page.innerHTML = `<h1>${escapeHtml(job.kind)} job ${job.id}: ${escapeHtml(job.name)}</h1>
    <dl class="facts"><dt>Description</dt><dd>${escapeHtml(job.description)}</dd><dt>State</dt><dd id="job-state">${state(job.state)}</dd>
      <dt>User</dt><dd>${escapeHtml(job.user ?? '')}</dd><dt>Submitted</dt><dd>${time(job.submitted)}</dd>
      <dt>Duration</dt><dd>${duration((job.completed ?? Date.now()) - job.submitted)}</dd>
      ${job.error ? `<dt>Error</dt><dd class="error">${escapeHtml(job.error)}</dd>` : ''}</dl>
    <h2>Stages</h2>${dag(job)}
    <table id="stages"><thead><tr><th>Stage</th><th>Kind</th><th>Computes</th><th>State</th><th>Tasks</th><th>Running</th><th>Failed</th>
      <th>Killed</th><th>Duration</th><th>Shuffle records written</th><th>Shuffle bytes written</th><th>Spilled</th></tr></thead><tbody>${stages}</tbody></table>
    ${counters ? `<h2>Counters</h2><table id="counters"><thead><tr><th>Group</th><th>Counter</th><th>Value</th></tr></thead><tbody>${counters}</tbody></table>` : ''}`;
  return job.state === 'RUNNING';
}

async function stagePage(jobId, stageId) {
  const stage = await get(`/api/v1/jobs/${jobId}/stages/${stageId}`);
  const rows = stage.taskAttempts.map(attempt => `<tr data-task="${attempt.partition}"><td class="number">${attempt.partition}</td>
      <td class="number">${attempt.attempt}</td><td>${state(attempt.state)}</td><td>${time(attempt.started)}</td>
      <td class="number">${duration(attempt.durationMillis)}</td><td>${escapeHtml(attempt.executor ?? '')}</td><td>${escapeHtml(attempt.host ?? '')}</td>
      <td>${escapeHtml(attempt.locality ?? '')}</td><td class="number">${count(attempt.shuffleRecords)}</td><td class="number">${size(attempt.shuffleBytes)}</td>
      <td class="number">${size(attempt.spilledBytes)}</td><td class="error">${escapeHtml(attempt.error ?? '')}</td></tr>`).join('');
  page.innerHTML = `<h1><a href="#/job/${jobId}">Job ${jobId}</a> · stage ${stage.id} (${escapeHtml(stage.kind)})</h1>
    <dl class="facts"><dt>Computes</dt><dd>${escapeHtml(stage.name)}</dd><dt>State</dt><dd>${state(stage.state)}</dd>
      <dt>Tasks</dt><dd>${bar(stage.succeededAttempts, stage.tasks)}</dd></dl>
    <h2>Task attempts</h2><table id="attempts"><thead><tr><th>Task</th><th>Attempt</th><th>State</th><th>Started</th><th>Duration</th>
      <th>Executor</th><th>Host</th><th>Locality</th><th>Shuffle records</th><th>Shuffle bytes</th><th>Spilled</th><th>Error</th></tr></thead><tbody>${rows}</tbody></table>`;
  return stage.state === 'RUNNING' || stage.state === 'WAITING';
}

async function executorsPage() {
  const data = await get('/api/v1/executors');
  const rows = data.executors.map(executor => `<tr><td>${escapeHtml(executor.id)}</td><td>${escapeHtml(executor.host)}</td>
      <td>${executor.lost ? state('FAILED') : state('RUNNING')}</td><td class="number">${executor.runningTasks}</td>
      <td class="number">${executor.succeededTasks}</td><td class="number">${executor.failedTasks}</td>
      <td class="number">${duration(executor.taskMillis)}</td></tr>`).join('');
  page.innerHTML = `<h1>Executors</h1><table id="executors"><thead><tr><th>Executor</th><th>Host</th><th>State</th><th>Running</th>
      <th>Succeeded</th><th>Failed</th><th>Task time</th></tr></thead><tbody>${rows}</tbody></table>`;
  return true;
}

async function memoryPage() {
  const data = await get('/api/v1/memory');
  const rows = Object.entries(data).map(([name, bytes]) =>
      `<tr><td>${escapeHtml(name)}</td><td class="number" data-memory="${escapeHtml(name)}">${size(bytes)}</td></tr>`).join('');
  page.innerHTML = `<h1>Memory</h1><table id="memory"><thead><tr><th>Use</th><th>Size</th></tr></thead><tbody>${rows}</tbody></table>`;
  return true;
}

async function render() {
  clearTimeout(timer);
  generation++;
  const route = location.hash.replace(/^#/, '') || '/';
  let match;
  let live;
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.getAttribute('href') === '#' + route);
  try {
    if ((match = route.match(/^\/find\/(.+)$/))) {
      // a job by its description (a MapReduce job's id): the newest such job
      const data = await get('/api/v1/jobs');
      const found = data.jobs.find(job => job.description === decodeURIComponent(match[1]));
      if (found) {
        location.replace('#/job/' + found.id);
        return;
      }
      page.innerHTML = `<p>No job ${escapeHtml(decodeURIComponent(match[1]))} yet.</p>`;
      live = true;
    }
    else if ((match = route.match(/^\/job\/(\d+)\/stage\/(\d+)$/))) live = await stagePage(match[1], match[2]);
    else if ((match = route.match(/^\/job\/(\d+)$/))) live = await jobPage(match[1]);
    else if (route === '/executors') live = await executorsPage();
    else if (route === '/memory') live = await memoryPage();
    else live = await jobsPage();
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (error) {
    // a newer render shows the page and keeps it fresh
    if (error instanceof Superseded) return;
    page.innerHTML = `<p class="error">${escapeHtml(error.message)}</p>`;
    live = true;
  }
  // a page answers whether it shows running work, or in how many milliseconds to read it again
  if (live) timer = setTimeout(render, live === true ? REFRESH_MILLIS : live);
}
window.addEventListener('hashchange', render);
render();
