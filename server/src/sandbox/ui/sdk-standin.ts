/**
 * A stand-in for Zoho's embedded-app SDK (ZohoEmbededAppSDK.min.js), written for this project and
 * served by the sandbox so widgets run offline. It speaks the same postMessage protocol as Zoho's
 * 1.2 build (reference/zoho-widget.md §1.4-1.6): REGISTER → SET_CONTEXT, a ZDK_EVENT during init,
 * CRM_EVENT requests keyed by "Promise<n>" from 100, EVENT_RESPONSE / EVENT_RESPONSE_FAILURE, and
 * handlers attached at init() only. It covers the calls our widget makes, plus a few neighbours.
 */
export const SDK_STANDIN_JS = String.raw`(function () {
  'use strict';
  var query = {};
  location.search.slice(1).split('&').forEach(function (pair) {
    var at = pair.indexOf('=');
    if (at > 0) query[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1));
  });
  var serviceOrigin = query.serviceOrigin;
  var appOrigin = encodeURIComponent(location.protocol + '//' + location.host + location.pathname);
  var stored = {};
  var attached = {};
  var pending = {};
  var counter = 100;
  var uniqueID = null;
  var initialized = null;
  var onRegistered = null;

  function post(message) {
    window.parent.postMessage(message, serviceOrigin);
  }
  function request(eventName, data) {
    return new Promise(function (resolve, reject) {
      var promiseid = 'Promise' + counter++;
      pending[promiseid] = { resolve: resolve, reject: reject };
      post({ type: 'SDK.EVENT', eventName: eventName, uniqueID: uniqueID, time: Date.now(), promiseid: promiseid, data: data, appOrigin: appOrigin });
    });
  }
  function crm(data) {
    data.sdkVersion = '1';
    return request('CRM_EVENT', data);
  }
  function receive(event) {
    var message = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
    if (!message || message.type !== 'FRAMEWORK.EVENT') return;
    if (message.eventName === 'SET_CONTEXT') {
      uniqueID = message.data && message.data.uniqueID;
      if (onRegistered) onRegistered();
      return;
    }
    if (message.eventName === 'EVENT_RESPONSE' || message.eventName === 'EVENT_RESPONSE_FAILURE') {
      var waiting = pending[message.promiseid];
      if (!waiting) return;
      delete pending[message.promiseid];
      (message.eventName === 'EVENT_RESPONSE' ? waiting.resolve : waiting.reject)(message.data);
      return;
    }
    if (message.eventName === 'UPDATE_CONTEXT') return;
    var handler = attached[message.eventName];
    if (handler) handler(message.data);
  }

  window.ZOHO = {
    embeddedApp: {
      on: function (eventName, handler) {
        stored[eventName] = handler;
      },
      init: function () {
        if (initialized) return initialized;
        for (var name in stored) attached[name] = stored[name];
        window.addEventListener('message', receive);
        window.addEventListener('unload', function () {
          post({ type: 'SDK.EVENT', eventName: 'DEREGISTER', uniqueID: uniqueID, appOrigin: appOrigin });
        });
        initialized = new Promise(function (resolve) {
          onRegistered = function () {
            onRegistered = null;
            request('ZDK_EVENT', { action: 'get_zdk_url' }).then(function () { resolve(); }, function () { resolve(); });
          };
          post({ type: 'SDK.EVENT', eventName: 'REGISTER', appOrigin: appOrigin });
        });
        return initialized;
      },
    },
    CRM: {
      API: {
        getRecord: function (args) { return crm({ category: 'READ', APIData: args }); },
        getAllRecords: function (args) { return crm({ category: 'READ', APIData: args }); },
        insertRecord: function (args) {
          var data = Object.assign({}, args.APIData, { trigger: args.Trigger });
          return crm({ category: 'CREATE', type: 'RECORD', Entity: args.Entity, RelatedID: undefined, APIData: data });
        },
        updateRecord: function (args) {
          var data = Object.assign({}, args.APIData, { trigger: args.Trigger });
          return crm({ category: 'UPDATE', type: 'RECORD', Entity: args.Entity, APIData: data });
        },
        addNotes: function (args) { return crm({ category: 'CREATE', type: 'NOTES', Entity: args.Entity, RecordID: args.RecordID, APIData: { Note_Title: args.Title, Note_Content: args.Content } }); },
        coql: function (args) { return crm({ category: 'QUERY', APIData: args }); },
        getAllUsers: function (args) { return crm({ category: 'USER', Type: args && args.Type, page: args && args.page, per_page: args && args.per_page }); },
        getUser: function (args) { return crm({ category: 'USER', ID: args.ID }); },
        getOrgVariable: function (nameSpace) { return crm({ category: 'CONFIG', type: 'VARIABLE', nameSpace: nameSpace }); },
      },
      CONFIG: {
        getCurrentUser: function () { return crm({ category: 'CONFIG', type: 'CURRENT_USER' }); },
        getOrgInfo: function () { return crm({ category: 'CONFIG', type: 'ORG' }); },
      },
      UI: {
        Resize: function (size) { return crm({ category: 'UI', action: 'RESIZE', data: { width: size.width, height: size.height } }); },
        Popup: {
          close: function () { return crm({ category: 'UI', action: { popup: 'CLOSE' } }); },
          closeReload: function () { return crm({ category: 'UI', action: { popup: 'CLOSE_RELOAD' } }); },
        },
      },
    },
  };
})();
`;
