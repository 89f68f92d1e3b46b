// The events viewer: polls /viewer/events with the token from the URL fragment (#token=...), which
// the browser never sends to the server. Keeps the events it was given, newest first, and shows those
// the filters let through; a click shows one event, its JSON folded until asked for.
(function () {
  'use strict';
  var token = new URLSearchParams(location.hash.slice(1)).get('token') || sessionStorage.getItem('viewerToken');
  if (token) {
    sessionStorage.setItem('viewerToken', token);
    history.replaceState(null, '', location.pathname); // the token leaves the address bar
  }
  var byId = function (id) { return document.getElementById(id); };
  var rows = byId('events');
  var status = byId('status');
  var unmask = byId('unmask');
  var pause = byId('pause');
  var filters = { object: byId('object'), field: byId('field'), page: byId('page'), search: byId('search') };
  var KEPT = 2000;
  var events = [];      // newest first, as given
  var last = 0;
  var paused = false;
  var selected = null;  // the sequence of the event in the detail pane

  function show(message, kind) {
    status.textContent = message;
    status.className = kind || '';
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    td.className = className;
    row.appendChild(td);
    return td;
  }

  function time(iso) {
    var at = new Date(iso);
    return isNaN(at) ? iso : at.toLocaleTimeString([], { hour12: false }) + '.' + String(at.getMilliseconds()).padStart(3, '0');
  }

  /** Adds a value to a filter's choices once, keeping the choice made. */
  function offer(select, value) {
    if (!value || Array.prototype.some.call(select.options, function (o) { return o.value === value; })) { return; }
    var option = document.createElement('option');
    option.value = option.textContent = value;
    select.appendChild(option);
  }

  function matches(event) {
    var search = filters.search.value.trim().toLowerCase();
    return (!filters.object.value || event.object === filters.object.value)
      && (!filters.field.value || event.field === filters.field.value)
      && (!filters.page.value || event.page === filters.page.value)
      // a mid, or a user id: whole when unmasked, its last four digits when masked
      && (!search || event.mid.toLowerCase().indexOf(search) >= 0 || event.json.toLowerCase().indexOf(search) >= 0);
  }

  function render() {
    rows.textContent = '';
    var shown = events.filter(matches);
    shown.forEach(function (event) {
      var row = document.createElement('tr');
      row.className = 'event' + (event.sequence === selected ? ' selected' : '');
      row.dataset.sequence = event.sequence;
      cell(row, time(event.storedAt), 'time').title = event.storedAt;
      cell(row, event.object, 'object');
      cell(row, event.page, 'page');
      cell(row, event.field, 'field');
      cell(row, event.mid, 'mid').title = event.mid;
      var outcome = cell(row, '', 'outcome');
      var badge = document.createElement('span');
      badge.className = 'badge ' + event.outcome;
      badge.textContent = event.outcome.replace('_', ' ');
      outcome.appendChild(badge);
      row.addEventListener('click', function () { detail(event); });
      rows.appendChild(row);
    });
    byId('empty').hidden = shown.length > 0 || events.length === 0;
    var state = paused ? 'paused' : 'live';
    show(state + ', ' + shown.length + ' of ' + events.length + ' events' + (unmask.checked ? ', unmasked' : ', masked'),
      paused ? 'paused' : '');
  }

  function detail(event) {
    selected = event.sequence;
    var facts = byId('facts');
    facts.textContent = '';
    [['time', event.storedAt], ['object', event.object], ['page', event.page], ['field', event.field],
      ['mid', event.mid || '(none)'], ['outcome', event.outcome]].forEach(function (fact) {
      var term = document.createElement('dt');
      term.textContent = fact[0];
      var value = document.createElement('dd');
      value.textContent = fact[1];
      value.className = fact[0];
      facts.appendChild(term);
      facts.appendChild(value);
    });
    var json = event.json;
    try { json = JSON.stringify(JSON.parse(event.json), null, 2); } catch (notJson) { /* shown as it came */ }
    byId('json-text').textContent = json;
    byId('json').open = false; // folded: a screen or more per event otherwise
    byId('json').querySelector('summary').textContent = 'JSON (' + event.json.length + ' characters)';
    byId('detail').hidden = false;
    document.querySelector('main').classList.add('with-detail');
    render();
  }

  function closeDetail() {
    selected = null;
    byId('detail').hidden = true;
    document.querySelector('main').classList.remove('with-detail');
    render();
  }

  function poll() {
    if (!token) {
      show('open this page as /viewer#token=<VIEWER_TOKEN>', 'error');
      return;
    }
    if (paused) { setTimeout(poll, 500); return; }
    var asked = unmask.checked;
    fetch('/viewer/events?after=' + last + '&unmask=' + asked, {
      headers: { 'Authorization': 'Bearer ' + token }, cache: 'no-store'
    }).then(function (response) {
      if (response.status === 401) { throw new Error('unauthorized: wrong token'); }
      if (!response.ok) { throw new Error('HTTP ' + response.status); }
      return response.json();
    }).then(function (reply) {
      if (asked !== unmask.checked || paused) { setTimeout(poll, 0); return; } // changed meanwhile: ask again
      reply.events.forEach(function (event) {
        events.unshift(event);
        offer(filters.field, event.field);
        offer(filters.page, event.page);
      });
      events.length = Math.min(events.length, KEPT); // hours of a busy feed would fill the tab
      last = reply.last;
      render();
      setTimeout(poll, 1000);
    }).catch(function (failure) {
      show(failure.message, 'error');
      if (failure.message.indexOf('unauthorized') < 0) { setTimeout(poll, 3000); }
    });
  }

  unmask.addEventListener('change', function () {
    events = []; // given again, masked or not
    last = 0;
    closeDetail();
  });
  pause.addEventListener('click', function () {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(paused));
    render();
  });
  byId('close').addEventListener('click', closeDetail);
  Object.keys(filters).forEach(function (name) { filters[name].addEventListener('input', render); });
  byId('filters').addEventListener('submit', function (submitted) { submitted.preventDefault(); });
  poll();
}());
