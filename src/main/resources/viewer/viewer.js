// The events viewer: polls /viewer/events with the token from the URL fragment (#token=...), which
// the browser never sends to the server, and lists the events newest first.
(function () {
  'use strict';
  var token = new URLSearchParams(location.hash.slice(1)).get('token') || sessionStorage.getItem('viewerToken');
  if (token) {
    sessionStorage.setItem('viewerToken', token);
    history.replaceState(null, '', location.pathname); // the token leaves the address bar
  }
  var rows = document.getElementById('events');
  var status = document.getElementById('status');
  var unmask = document.getElementById('unmask');
  var last = 0;

  function show(message, error) {
    status.textContent = message;
    status.className = error ? 'error' : '';
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }

  function add(event) {
    var row = document.createElement('tr');
    row.className = 'event';
    cell(row, event.storedAt, 'time');
    cell(row, event.object, 'object');
    cell(row, event.page, 'page');
    cell(row, event.field, 'field');
    cell(row, event.mid, 'mid');
    var pre = document.createElement('pre');
    pre.textContent = JSON.stringify(JSON.parse(event.json), null, 2);
    cell(row, '', 'json').appendChild(pre);
    rows.insertBefore(row, rows.firstChild);
  }

  function poll() {
    if (!token) {
      show('open this page as /viewer#token=<VIEWER_TOKEN>', true);
      return;
    }
    var asked = unmask.checked;
    fetch('/viewer/events?after=' + last + '&unmask=' + asked, {
      headers: { 'Authorization': 'Bearer ' + token }, cache: 'no-store'
    }).then(function (response) {
      if (response.status === 401) { throw new Error('unauthorized: wrong token'); }
      if (!response.ok) { throw new Error('HTTP ' + response.status); }
      return response.json();
    }).then(function (reply) {
      if (asked !== unmask.checked) { setTimeout(poll, 0); return; } // the box changed meanwhile
      reply.events.forEach(add);
      last = reply.last;
      show('live, ' + rows.children.length + ' events' + (reply.masked ? ', masked' : ', unmasked'), false);
      setTimeout(poll, 1000);
    }).catch(function (failure) {
      show(failure.message, true);
      if (failure.message.indexOf('unauthorized') < 0) { setTimeout(poll, 3000); }
    });
  }

  unmask.addEventListener('change', function () {
    rows.textContent = ''; // shown again, masked or not
    last = 0;
  });
  poll();
}());
