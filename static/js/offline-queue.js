// The offline queue of the visit mode: what was typed without network waits in
// IndexedDB (idb-keyval) and is replayed in order, each POST with the Idempotency-Key
// made on the tablet when it was typed. Shared by the pages (offline.js) and the
// service worker (sw.js, for the background sync): one replay, wherever it runs.
(function (root) {
  "use strict";
  var kv = root.idbKeyval;
  var queueStore = kv.createStore("pilote-offline-queue", "items");
  var metaStore = kv.createStore("pilote-offline-meta", "meta");
  var CACHE_PREFIX = "pilote-visits-u";
  var SYNC_TAG = "pilote-replay";
  // Answers that leave the change waiting (the server is busy or failing): retried later.
  var RETRY = [429, 500, 502, 503, 504];

  function cacheName(user) { return CACHE_PREFIX + user; }

  // The cache key of an htmx fragment (the same URL answers a page or a fragment).
  function fragmentKey(url) { return url + (url.indexOf("?") >= 0 ? "&" : "?") + "__hx=1"; }

  // Items in the order they were typed: their id starts with the time, zero-padded.
  function all() {
    return kv.entries(queueStore).then(function (entries) {
      return entries.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; })
        .map(function (entry) { return entry[1]; });
    });
  }

  function ofUser(user, state) {
    return all().then(function (items) {
      return items.filter(function (i) { return i.user === user && (!state || i.state === state); });
    });
  }

  function add(item) {
    item.id = String(Date.now()).padStart(15, "0") + "-" + item.key;
    item.state = "pending";
    return kv.set(item.id, item, queueStore).then(function () { return item; });
  }

  function put(item) { return kv.set(item.id, item, queueStore); }
  function remove(id) { return kv.del(id, queueStore); }
  function meta() { return kv.get("prepared", metaStore); }
  function setMeta(value) { return kv.set("prepared", value, metaStore); }

  function fresh(prepared) {
    return !!prepared && new Date(prepared.expires_at).getTime() > Date.now();
  }

  // Logout: the pages kept and the queue go, whoever they belonged to.
  function clearAll() {
    var caches = root.caches;
    var dropCaches = caches ? caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf(CACHE_PREFIX) === 0; })
        .map(function (n) { return caches.delete(n); }));
    }) : Promise.resolve();
    return Promise.all([dropCaches, kv.clear(queueStore), kv.clear(metaStore)]);
  }

  function notify(result) {
    if (root.document) {
      root.document.dispatchEvent(new CustomEvent("pilote:queue", {detail: result}));
    } else if (root.clients) {
      root.clients.matchAll().then(function (clients) {
        clients.forEach(function (c) { c.postMessage({type: "pilote:queue", result: result}); });
      });
    }
    return result;
  }

  function send(item, token) {
    var body = new URLSearchParams();
    item.fields.forEach(function (pair) {
      body.append(pair[0], pair[0] === "csrf_token" ? token.csrf_token : pair[1]);
    });
    return fetch(item.url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: {"X-CSRFToken": token.csrf_token, "Idempotency-Key": item.key,
                "HX-Request": "true", "X-Pilote-Replay": "1"}
    });
  }

  // One item's answer: sent (removed), refused (« À revoir »), or retry later (stop).
  function settle(item, response, result) {
    if (response.type === "opaqueredirect" || response.status < 400) {
      result.sent += 1;
      return remove(item.id).then(function () { return true; });
    }
    if (RETRY.indexOf(response.status) >= 0) { return Promise.resolve(false); }
    return response.text().then(function (text) {
      item.state = "review";
      item.status = response.status;
      item.answer = text.slice(0, 20000);
      item.answered_at = new Date().toISOString();
      result.review += 1;
      return put(item).then(function () { return true; });
    });
  }

  function replayNow() {
    var result = {sent: 0, review: 0, stopped: false};
    return all().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "pending"; });
      if (!waiting.length) { return result; }
      return fetch("/visits/token", {credentials: "same-origin", redirect: "manual",
                                     headers: {"Accept": "application/json"}})
        .then(function (answer) {
          var json = (answer.headers.get("Content-Type") || "").indexOf("json") >= 0;
          if (!answer.ok || !json) { result.stopped = true; return null; }  // signed out
          return answer.json();
        })
        .then(function (token) {
          if (!token) { return result; }
          var mine = waiting.filter(function (i) { return i.user === token.user; });
          // In order, one at a time: a later change may need an earlier one.
          return mine.reduce(function (chain, item) {
            return chain.then(function (goOn) {
              if (!goOn) { return false; }
              return send(item, token).then(function (response) {
                return settle(item, response, result);
              });
            });
          }, Promise.resolve(true)).then(function (finished) {
            result.stopped = !finished;
            return result;
          });
        });
    }).catch(function () { result.stopped = true; return result; })  // network gone again
      .then(notify);
  }

  // One replay at a time across the pages and the worker.
  function replay() {
    var locks = root.navigator && root.navigator.locks;
    return locks ? locks.request("pilote-replay", replayNow) : replayNow();
  }

  root.PiloteQueue = {
    add: add, all: all, ofUser: ofUser, put: put, remove: remove, replay: replay,
    meta: meta, setMeta: setMeta, fresh: fresh, clearAll: clearAll, cacheName: cacheName,
    fragmentKey: fragmentKey, CACHE_PREFIX: CACHE_PREFIX, SYNC_TAG: SYNC_TAG
  };
})(self);
