// The offline visit mode in the pages: the service worker's registration, the banner
// « Hors ligne — n modification(s) en attente », forms marked data-offline queued when
// the network is gone, the replay on reconnection and on load, « Préparer mes visites »
// (caching the prepared pages), « À revoir », and logout clearing it all.
/* global PiloteQueue */
(function () {
  "use strict";
  var status = document.getElementById("offline-status");
  if (!status || !window.PiloteQueue) { return; }
  var user = Number(status.dataset.userId);
  var banner = document.getElementById("offline-banner-text");
  var reviewLink = document.getElementById("offline-review-link");
  var pendingList = document.getElementById("offline-pending");
  var lastNote = "";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function plural(n, word) { return n + " " + word + (n > 1 ? "s" : ""); }

  // The banner and this page's pending changes, from the queue.
  function refresh() {
    return PiloteQueue.ofUser(user).then(function (items) {
      var pending = items.filter(function (i) { return i.state === "pending"; });
      var review = items.filter(function (i) { return i.state === "review"; });
      var offline = !navigator.onLine;
      var text = "";
      if (offline) {
        text = "Hors ligne — " + plural(pending.length, "modification") + " en attente";
      } else if (pending.length) {
        text = plural(pending.length, "modification") + " en attente d'envoi";
      }
      if (lastNote) { text = text ? text + " · " + lastNote : lastNote; }
      if (!text && review.length) {
        text = plural(review.length, "modification") + " refusée" + (review.length > 1 ? "s" : "") + " par le serveur";
      }
      banner.textContent = text;
      reviewLink.hidden = !review.length;
      reviewLink.textContent = "À revoir (" + review.length + ")";
      status.hidden = !(text || review.length);
      status.dataset.pending = String(pending.length);
      status.dataset.review = String(review.length);
      showPending(pending.filter(function (i) { return i.page === location.pathname; }));
      settleMarks(pending, review);
      renderReview(review);
    });
  }

  // The « en attente » marks of this page once their change is sent or refused.
  function settleMarks(pending, review) {
    var keys = function (items) { return items.map(function (i) { return i.key; }); };
    var waiting = keys(pending);
    var refused = keys(review);
    document.querySelectorAll(".offline-pending-mark[data-key]").forEach(function (mark) {
      var key = mark.dataset.key;
      if (waiting.indexOf(key) >= 0) { return; }
      var state = mark.querySelector(".offline-mark-state");
      var toReview = refused.indexOf(key) >= 0;
      mark.className = "alert offline-pending-mark " + (toReview ? "alert-danger" : "alert-success");
      state.className = "badge me-2 offline-mark-state " + (toReview ? "text-bg-danger" : "text-bg-success");
      state.textContent = toReview ? "à revoir" : "envoyé";
    });
  }

  function showPending(items) {
    pendingList.replaceChildren();
    items.forEach(function (item) {
      var li = el("li", {"class": "list-group-item list-group-item-warning offline-pending-item"});
      li.append(el("span", {"class": "badge text-bg-warning me-2"}, "en attente"),
                el("span", {"class": "fw-semibold"}, item.label));
      li.append(summary(item.shown));
      pendingList.append(li);
    });
    pendingList.hidden = !items.length;
  }

  function summary(shown) {
    var list = el("dl", {"class": "row small mb-0 mt-1"});
    (shown || []).forEach(function (pair) {
      list.append(el("dt", {"class": "col-sm-4"}, pair[0]), el("dd", {"class": "col-sm-8 mb-0"}, pair[1]));
    });
    return list;
  }

  // What the user sees of a form's values: each control's label and its value.
  function labelOf(control) {
    var label = control.labels && control.labels[0];
    var text = label ? label.textContent : control.name;
    return text.replace(/\s*\*\s*/g, " ").replace(/\s+/g, " ").trim();
  }

  function describe(form) {
    var shown = [];
    Array.prototype.forEach.call(form.elements, function (c) {
      if (!c.name || c.type === "hidden" || c.type === "submit" || c.type === "button" ||
          c.type === "file") { return; }
      if (c.type === "checkbox" || c.type === "radio") {
        if (c.checked) { shown.push([labelOf(c), "coché"]); }
      } else if (c.tagName === "SELECT") {
        var option = c.options[c.selectedIndex];
        if (option && option.value) { shown.push([labelOf(c), option.textContent.trim()]); }
      } else if (c.type === "date" && /^\d{4}-\d{2}-\d{2}$/.test(c.value)) {
        shown.push([labelOf(c), c.value.split("-").reverse().join("/")]);  // as the app shows dates
      } else if (c.value) {
        shown.push([labelOf(c), c.value]);
      }
    });
    return shown;
  }

  function queue(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") { fields.push([name, value]); }
    });
    var target = form.getAttribute("hx-post") || form.getAttribute("action") || location.pathname;
    var url = new URL(target, location.href);
    var item = {
      key: crypto.randomUUID(), user: user, url: url.pathname + url.search, fields: fields,
      shown: describe(form), typed_at: new Date().toISOString(),
      label: form.dataset.offlineLabel || document.title, page: location.pathname,
      title: document.title
    };
    return PiloteQueue.add(item).then(function () {
      var mark = el("div", {"class": "alert alert-warning offline-pending-mark", role: "status",
                            "data-key": item.key});
      mark.append(el("span", {"class": "badge text-bg-warning me-2 offline-mark-state"}, "en attente"),
                  el("span", {}, "« " + item.label + " » sera envoyé au retour du réseau."));
      mark.append(summary(item.shown));
      form.replaceWith(mark);
      askSync();
      return refresh();
    });
  }

  function askSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register(PiloteQueue.SYNC_TAG); }
    }).catch(function () { /* no background sync: the next load or reconnection replays */ });
  }

  // Offline, a data-offline form is queued instead of sent (before htmx sees it).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (navigator.onLine || !form.matches("form[data-offline]")) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    queue(form);
  }, true);

  // Online but the request failed on the way (the network dropped): queued too.
  document.body.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt && event.detail.elt.closest("form[data-offline]");
    if (form && document.contains(form)) { queue(form); }
  });

  function replay() {
    if (!navigator.onLine) { return refresh(); }
    return PiloteQueue.replay().then(function (result) {
      status.dataset.replayed = String(Number(status.dataset.replayed || 0) + 1);
      return replayed(result);
    });
  }

  // What a replay did (this page's, or the worker's background sync), said in the banner.
  function replayed(result) {
    var notes = [];
    if (result && result.sent) { notes.push(plural(result.sent, "modification") + " " + (result.sent > 1 ? "envoyées" : "envoyée")); }
    if (result && result.review) { notes.push(result.review + " à revoir"); }
    if (notes.length) { lastNote = notes.join(", ") + "."; }
    return refresh();
  }

  window.addEventListener("online", replay);
  window.addEventListener("offline", refresh);
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "pilote:queue") { replayed(event.data.result); }
    });
  }

  // Another user's pages never stay: the cache belongs to the signed-in user.
  function ownCacheOnly() {
    return PiloteQueue.meta().then(function (prepared) {
      if (prepared && (prepared.user !== user || !PiloteQueue.fresh(prepared))) {
        return caches.delete(PiloteQueue.cacheName(prepared.user)).then(function () {
          return PiloteQueue.setMeta(null);
        });
      }
    });
  }

  // « Préparer mes visites »: the manifest's pages and files go into the user's cache.
  function prepare(box) {
    box.hidden = false;
    box.textContent = "Préparation des pages pour le hors-ligne…";
    var name = PiloteQueue.cacheName(user);
    return fetch(status.dataset.manifestUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (manifest) {
        return caches.delete(name).then(function () { return caches.open(name); })
          .then(function (cache) {
            var jobs = manifest.pages.map(function (page) {
              var headers = page.fragment ? {"HX-Request": "true"} : {};
              return fetch(page.url, {credentials: "same-origin", headers: headers}).then(function (r) {
                if (!r.ok || r.redirected) { return 0; }
                return cache.put(page.fragment ? PiloteQueue.fragmentKey(new URL(page.url, location.href).href) : page.url, r)
                  .then(function () { return page.fragment ? 0 : 1; });
              });
            });
            jobs.push(cache.addAll(manifest.assets).then(function () { return 0; }));
            return Promise.all(jobs);
          })
          .then(function (counts) {
            return PiloteQueue.setMeta({user: user, expires_at: manifest.expires_at,
                                        clients: manifest.clients}).then(function () {
              var pages = counts.reduce(function (a, b) { return a + b; }, 0);
              box.textContent = manifest.clients.length
                ? plural(manifest.clients.length, "client") + " " + (manifest.clients.length > 1 ? "disponibles" : "disponible") +
                  " hors ligne sur cette tablette (" + plural(pages, "page") + ")."
                : "Aucun client préparé sur cette tablette.";
              box.dataset.state = "ready";
            });
          });
      })
      .catch(function () {
        box.className = "alert alert-danger";
        box.textContent = "La préparation a échoué : vérifiez le réseau et recommencez.";
      });
  }

  // « À revoir »: the refused changes, the server's message, what was typed, the value now.
  function answerOf(item) {
    var doc = new DOMParser().parseFromString(item.answer || "", "text/html");
    var texts = [];
    doc.querySelectorAll("[role=alert], .invalid-feedback, .alert").forEach(function (n) {
      var t = n.textContent.replace(/\s+/g, " ").trim();
      if (t && texts.indexOf(t) < 0) { texts.push(t); }
    });
    if (!texts.length) {
      var p = doc.querySelector("p");
      texts.push(p ? p.textContent.trim() : "Refusé par le serveur (" + item.status + ").");
    }
    var current = doc.querySelector("[data-offline-current]");
    return {message: texts.join(" "), current: current ? current.textContent.replace(/\s+/g, " ").trim() : ""};
  }

  function renderReview(items) {
    var box = document.getElementById("review-items");
    if (!box) { return; }
    box.replaceChildren();
    items.forEach(function (item) {
      var answer = answerOf(item);
      var card = el("li", {"class": "card mb-3 review-item", "data-key": item.key});
      var body = el("div", {"class": "card-body"});
      body.append(el("h2", {"class": "h5"}, item.label + " — " + item.title.replace(/ · Pilote$/, "")));
      body.append(el("p", {"class": "small text-muted"}, "Saisi le " + new Date(item.typed_at).toLocaleString("fr-FR", {timeZone: "Europe/Paris"})));
      body.append(el("div", {"class": "alert alert-danger review-message", role: "alert"}, answer.message));
      body.append(el("h3", {"class": "h6"}, "Ce que vous aviez saisi"));
      var typed = summary(item.shown);
      typed.classList.add("review-typed");
      body.append(typed);
      if (answer.current) {
        body.append(el("h3", {"class": "h6 mt-2"}, "Sur le serveur maintenant"));
        body.append(el("p", {"class": "review-current"}, answer.current));
      }
      var actions = el("div", {"class": "d-flex flex-wrap gap-2 mt-2"});
      actions.append(el("a", {"class": "btn btn-primary", href: item.page}, "Refaire"));
      var discard = el("button", {"class": "btn btn-outline-danger", type: "button"}, "Abandonner");
      discard.addEventListener("click", function () {
        if (discard.dataset.armed) {
          PiloteQueue.remove(item.id).then(refresh);
        } else {
          discard.dataset.armed = "true";
          discard.textContent = "Confirmer l'abandon";
        }
      });
      actions.append(discard);
      body.append(actions);
      card.append(body);
      box.append(card);
    });
    document.getElementById("review-empty").hidden = items.length > 0;
    document.getElementById("review").dataset.state = "ready";
  }

  // Logout clears the pages kept and the queue; with changes not sent, it asks first.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!/\/logout$/.test(new URL(form.action, location.href).pathname) || form.dataset.cleared) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var waiting = Number(status.dataset.pending || 0) + Number(status.dataset.review || 0);
    if (waiting && !form.dataset.warned) {
      form.dataset.warned = "true";
      lastNote = plural(waiting, "modification") + " non " + (waiting > 1 ? "envoyées seront perdues" : "envoyée sera perdue") +
        " : se déconnecter à nouveau pour confirmer.";
      refresh();
      return;
    }
    var csrf = form.querySelector("[name=csrf_token]");
    var forget = navigator.onLine ? fetch(status.dataset.forgetUrl, {
      method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrf ? csrf.value : ""}
    }).catch(function () {}) : Promise.resolve();
    Promise.all([forget, PiloteQueue.clearAll(), worker(false)]).finally(function () {
      form.dataset.cleared = "true";
      form.submit();
    });
  }, true);

  // The worker runs only for a user with visits prepared on this tablet: the others'
  // pages never go through it.
  function worker(wanted) {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(); }
    if (wanted) {
      return navigator.serviceWorker.register(status.dataset.swUrl, {scope: "/"})
        .catch(function () { /* no worker (private mode…): online only */ });
    }
    return navigator.serviceWorker.getRegistrations().then(function (registrations) {
      return Promise.all(registrations.map(function (r) { return r.unregister(); }));
    });
  }

  var sync = document.getElementById("offline-sync");
  ownCacheOnly().then(function () {
    return sync && navigator.onLine ? prepare(sync) : null;
  }).then(PiloteQueue.meta).then(function (prepared) {
    var mine = !!prepared && prepared.user === user && PiloteQueue.fresh(prepared);
    return navigator.onLine ? worker(mine) : null;
  }).then(replay);
})();
