/**
 * The CRM record page's side of the embedded-app protocol (reference/zoho-widget.md §1.4-1.6 and
 * §5): it frames the widget with ?serviceOrigin=<this origin>, answers REGISTER with SET_CONTEXT
 * and PageLoad, and answers each CRM_EVENT from the sandbox's own REST API as the signed-in user,
 * so a change made in the widget is a change like any other (notifications included). Every
 * message is kept in window.hostLog for tests. The record panel beside the widget is drawn here too.
 */
export const HOST_JS = String.raw`(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('crm-config').textContent);
  var frame = document.getElementById('widget');
  var log = (window.hostLog = []);
  var widgetOrigin = new URL(cfg.widgetUrl).origin;

  function send(message) {
    frame.contentWindow.postMessage(message, widgetOrigin);
  }
  function call(method, path, body) {
    var init = { method: method, headers: { Authorization: 'Zoho-oauthtoken ' + cfg.token } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(cfg.apiBase + path, init).then(function (response) {
      return response.text().then(function (text) {
        return { status: response.status, body: text ? JSON.parse(text) : null };
      });
    });
  }
  // The page's session outlives its token (the simulated clock runs ahead): on a 401, renew it once and retry.
  function api(method, path, body) {
    return call(method, path, body).then(function (answer) {
      if (answer.status !== 401) return answer;
      return fetch(cfg.sessionUrl, { method: 'POST' })
        .then(function (response) { return response.json(); })
        .then(function (session) {
          cfg.token = session.token;
          return call(method, path, body);
        });
    });
  }
  function must(answer) {
    if (answer.status >= 400 && !(answer.body && Array.isArray(answer.body.data))) throw answer.body || { code: 'HTTP_' + answer.status };
    return answer.body;
  }

  function answer(data) {
    switch (data.category) {
      case 'READ':
        return api('GET', '/' + data.APIData.Entity + '/' + data.APIData.RecordID).then(must);
      case 'UPDATE': {
        var record = Object.assign({}, data.APIData);
        var trigger = record.trigger;
        delete record.trigger;
        var body = { data: [record] };
        if (trigger) body.trigger = trigger;
        return api('PUT', '/' + data.Entity, body).then(must).then(function (result) {
          if (cfg.recordId) drawRecord();
          return result;
        });
      }
      case 'CONFIG':
        if (data.type === 'VARIABLE') {
          return api('GET', '/settings/variables/' + encodeURIComponent(data.nameSpace)).then(function (answer) {
            if (answer.status !== 200) return { Success: { Content: null } };
            return { Success: { Content: answer.body.variables[0].value } };
          });
        }
        if (data.type === 'CURRENT_USER') return api('GET', '/users/' + cfg.userId).then(must);
        if (data.type === 'ORG') return api('GET', '/org').then(must);
        break;
      case 'USER':
        if (data.ID) return api('GET', '/users/' + data.ID).then(must);
        return api('GET', '/users?type=' + encodeURIComponent(data.Type || 'AllUsers')).then(function (answer) {
          return answer.status === 204 ? { users: [], info: { count: 0, more_records: false } } : must(answer);
        });
      case 'UI':
        if (data.action === 'RESIZE' && data.data && data.data.height) frame.style.height = Math.min(Number(data.data.height), 20000) + 'px'; // the page grows with its widget, as Zoho's does; no scrolling inside a fixed frame
        return Promise.resolve(true);
    }
    return Promise.reject({ code: 'NOT_EMULATED', message: 'The sandbox does not emulate this call.', category: data.category });
  }

  window.addEventListener('message', function (event) {
    if (event.source !== frame.contentWindow) return;
    var message = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
    log.push(message);
    if (!message || message.type !== 'SDK.EVENT') return;
    if (message.eventName === 'REGISTER') {
      send({ type: 'FRAMEWORK.EVENT', eventName: 'SET_CONTEXT', data: { uniqueID: cfg.uniqueID, connectors: [] } });
      // A web tab gets no PageLoad; a record page does.
      if (cfg.recordId) send({ type: 'FRAMEWORK.EVENT', eventName: 'PageLoad', data: { Entity: cfg.module, EntityId: cfg.recordId } });
    } else if (message.eventName === 'ZDK_EVENT') {
      send({ type: 'FRAMEWORK.EVENT', eventName: 'EVENT_RESPONSE_FAILURE', promiseid: message.promiseid, data: { code: 'NOT_EMULATED', message: 'No ZDK in the sandbox.' } });
    } else if (message.eventName === 'CRM_EVENT') {
      answer(message.data).then(
        function (data) { send({ type: 'FRAMEWORK.EVENT', eventName: 'EVENT_RESPONSE', promiseid: message.promiseid, data: data }); },
        function (error) { send({ type: 'FRAMEWORK.EVENT', eventName: 'EVENT_RESPONSE_FAILURE', promiseid: message.promiseid, data: error }); }
      );
    }
  });
  frame.addEventListener('load', function () {
    send({ type: 'FRAMEWORK.EVENT', eventName: '__HANDSHAKE__', data: { parentOrigin: location.origin } });
  });
  frame.src = cfg.widgetUrl + (cfg.widgetUrl.indexOf('?') < 0 ? '?' : '&') + 'serviceOrigin=' + encodeURIComponent(location.origin);

  function text(value) {
    if (value === null || value === undefined) return '';
    if (typeof value === 'object') return value.name || value.id || JSON.stringify(value);
    return String(value);
  }
  function drawRecord() {
    return Promise.all([
      api('GET', '/' + cfg.module + '/' + cfg.recordId),
      api('GET', '/' + cfg.module + '/' + cfg.recordId + '/Notes?fields=Note_Title,Note_Content'),
      api('GET', '/users?type=ActiveUsers'),
      api('GET', '/settings/fields?module=' + cfg.module),
    ]).then(function (answers) {
      var record = answers[0].body.data[0];
      // Fields by their labels, as Zoho's record page shows them (the API name only when there is none).
      var labels = {};
      ((answers[3].body && answers[3].body.fields) || []).forEach(function (field) { labels[field.api_name] = field.field_label || field.display_label; });
      var fields = document.getElementById('fields');
      fields.replaceChildren();
      Object.keys(record).filter(function (key) { return key.charAt(0) !== '$' && record[key] !== null && key !== 'Owner'; }).sort().forEach(function (key) {
        var row = document.createElement('tr');
        var name = document.createElement('th');
        name.textContent = labels[key] || key;
        var value = document.createElement('td');
        value.textContent = text(record[key]);
        value.dataset.field = key;
        row.append(name, value);
        fields.append(row);
      });
      var owner = document.getElementById('owner');
      owner.replaceChildren();
      (answers[2].body ? answers[2].body.users : []).forEach(function (user) {
        var option = document.createElement('option');
        option.value = user.id;
        option.textContent = user.full_name;
        option.selected = record.Owner && record.Owner.id === user.id;
        owner.append(option);
      });
      var notes = document.getElementById('notes');
      notes.replaceChildren();
      (answers[1].status === 200 ? answers[1].body.data : []).forEach(function (note) {
        var item = document.createElement('li');
        var title = document.createElement('strong');
        title.textContent = note.Note_Title || '(untitled)';
        var content = document.createElement('div');
        content.textContent = note.Note_Content || '';
        item.append(title, content);
        notes.append(item);
      });
    });
  }
  if (!cfg.recordId) return;
  document.getElementById('owner-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var ownerId = document.getElementById('owner').value;
    api('POST', '/' + cfg.module + '/' + cfg.recordId + '/actions/change_owner', { owner: { id: ownerId } }).then(drawRecord);
  });
  document.getElementById('refresh').addEventListener('click', function () {
    drawRecord();
  });
  drawRecord();
})();
`;
