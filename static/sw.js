// The service worker of the offline visit mode (served at /sw.js: its scope is the site).
//
// Pages always come from the network. Only when the network fails does it answer from
// the cache of the signed-in user's prepared pages (« Préparer mes visites » filled it),
// until they expire; a page not prepared answers the offline page, an htmx fragment not
// prepared answers nothing (204). It never writes a response into a cache itself, never
// touches a POST (the queue of offline.js keeps those), and never reads another user's
// cache. Background sync replays the queue (offline-queue.js) where the browser has it.
/* global workbox, PiloteQueue */
"use strict";

importScripts("/static/vendor/workbox-7.4.1/workbox-sw.js");
workbox.setConfig({modulePathPrefix: "/static/vendor/workbox-7.4.1/", debug: false});
importScripts("/static/vendor/idb-keyval-6.3.0.umd.js", "/static/js/offline-queue.js");

var SHELL = "pilote-shell-v1";
var OFFLINE_PAGE = "/static/offline.html";
var routing = workbox.routing;
var strategies = workbox.strategies;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return cache.addAll([OFFLINE_PAGE, "/static/vendor/bootstrap-5.3.9.min.css",
                         "/static/css/app.css"]);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

// No response is ever written by the worker: only « Préparer mes visites » fills a cache.
var neverStore = {cacheWillUpdate: function () { return Promise.resolve(null); }};

// htmx asks for fragments: they are kept under their own key.
var fragmentKeys = {
  cacheKeyWillBeUsed: function (params) {
    var request = params.request;
    if (request.headers.get("HX-Request") !== "true") { return Promise.resolve(request); }
    return Promise.resolve(PiloteQueue.fragmentKey(request.url));
  }
};

function fallback(request) {
  if (request.headers.get("HX-Request") === "true") {
    return new Response(null, {status: 204});
  }
  if (request.mode === "navigate") {
    return caches.match(OFFLINE_PAGE, {cacheName: SHELL});
  }
  return caches.match(request, {cacheName: SHELL}).then(function (r) { return r || Response.error(); });
}

// The signed-in user's cache while it has not expired (an expired one is deleted).
function userCache() {
  return PiloteQueue.meta().then(function (prepared) {
    if (!prepared) { return null; }
    if (!PiloteQueue.fresh(prepared)) {
      return caches.delete(PiloteQueue.cacheName(prepared.user)).then(function () { return null; });
    }
    return PiloteQueue.cacheName(prepared.user);
  });
}

function offlineFirstNetwork(params) {
  var request = params.request;
  return userCache().then(function (cacheName) {
    if (!cacheName) {  // nothing prepared (or expired): the network, or the offline page
      return fetch(request).catch(function () { return fallback(request); });
    }
    var strategy = new strategies.NetworkFirst({
      cacheName: cacheName,
      matchOptions: {ignoreVary: true},
      plugins: [neverStore, fragmentKeys]
    });
    return strategy.handle({event: params.event, request: request}).catch(function () {
      return fallback(request);
    });
  });
}

function ours(params) {
  var request = params.request;
  var url = params.url;
  if (request.method !== "GET" || url.origin !== self.location.origin) { return false; }
  return request.mode === "navigate" || request.headers.get("HX-Request") === "true" ||
    url.pathname.indexOf("/static/") === 0;
}

routing.registerRoute(ours, offlineFirstNetwork);

self.addEventListener("sync", function (event) {
  if (event.tag === PiloteQueue.SYNC_TAG) {
    event.waitUntil(PiloteQueue.replay());
  }
});
