/* Progleton keyboard shortcuts, a progressive extra: every page works without it.
 *   j / k  focus the next / previous card (its headline link) and scroll it into view
 *   /      focus the search box
 * Keys typed into a form field, or pressed with Ctrl, Alt or Meta, are left alone.
 * Loaded with `defer` from the site's own origin (the CSP allows script-src 'self' only). */
(function () {
  "use strict";

  var CARDS = "article.card, .coverage-item";

  function typing(el) {
    if (!el || el === document.body) return false;
    var tag = el.tagName;
    return (
      tag === "INPUT" ||
      tag === "TEXTAREA" ||
      tag === "SELECT" ||
      el.isContentEditable === true
    );
  }

  function target(card) {
    /* The card's headline link, so Enter opens it; else the card itself. */
    var link = card.querySelector(".card-title a, a[href]");
    if (link) return link;
    if (!card.hasAttribute("tabindex")) card.setAttribute("tabindex", "-1");
    return card;
  }

  function move(step) {
    var cards = Array.prototype.slice.call(document.querySelectorAll(CARDS));
    if (!cards.length) return false;
    var active = document.activeElement;
    var current = -1;
    for (var i = 0; i < cards.length; i++) {
      if (cards[i] === active || cards[i].contains(active)) {
        current = i;
        break;
      }
    }
    var next = current < 0 ? (step > 0 ? 0 : cards.length - 1) : current + step;
    next = Math.max(0, Math.min(cards.length - 1, next));
    var card = cards[next];
    target(card).focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest" });
    return true;
  }

  function searchBox() {
    return document.getElementById("search-q") || document.getElementById("site-search");
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    if (typing(event.target) || typing(document.activeElement)) return;
    var handled = false;
    if (event.key === "j") {
      handled = move(1);
    } else if (event.key === "k") {
      handled = move(-1);
    } else if (event.key === "/") {
      var box = searchBox();
      if (box) {
        box.focus();
        box.select();
        handled = true;
      }
    }
    if (handled) event.preventDefault();
  });
})();
