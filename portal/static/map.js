// Interactive maps (progressive enhancement; every fact stays in the list or table without it).
// Each <figure data-map> (templates/_map.html) gets a zoomable, pannable map drawn with the
// vendored Leaflet from the district boundaries in /static/districts.geo.json: no tile server,
// no CDN. Keyboard: Tab to the map, arrow keys pan, + and - zoom; markers are buttons.
//   data-map="results":  numbered markers (clustered) that lead to their entry of the list,
//                        the person's place as a diamond.
//   data-map="coverage": the districts coloured by their coverage (a choropleth), the page's
//                        state filter (data-focus-state) framed, the rest dimmed.
(function () {
  "use strict";

  var DISTRICTS = "/static/districts.geo.json";
  var LABEL_ZOOM = 7;
  var GERMANY = [[47.2, 5.8], [55.1, 15.1]];
  // Fills of the coverage map; patterns so that colour is never the only cue (WCAG 1.4.1).
  var SOLID = { covered1: "#c6dbef", covered2: "#6baed6", covered3: "#2171b5", none: "#f0f0f0" };

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function svgEl(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  // The patterns of the coverage map, once per map, inside Leaflet's SVG layer.
  function addPatterns(svg, prefix) {
    if (!svg || svg.querySelector("defs")) { return; }
    var defs = svgEl("defs", {});
    function pattern(name, background, draw) {
      var p = svgEl("pattern", { id: prefix + name, width: 8, height: 8, patternUnits: "userSpaceOnUse" });
      p.appendChild(svgEl("rect", { width: 8, height: 8, fill: background }));
      draw(p);
      defs.appendChild(p);
    }
    pattern("gap", "#b2182b", function (p) {
      p.appendChild(svgEl("path", { d: "M0,8 L8,0 M0,0 L8,8", stroke: "#ffffff", "stroke-width": 1 }));
    });
    pattern("gap-opens", "#fdd0a2", function (p) {
      p.appendChild(svgEl("path", { d: "M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6", stroke: "#a63603", "stroke-width": 2 }));
    });
    pattern("partners", "#ffffff", function (p) {
      p.appendChild(svgEl("circle", { cx: 4, cy: 4, r: 1.6, fill: "#2166ac" }));
    });
    svg.insertBefore(defs, svg.firstChild);
  }

  function fillOf(marker, prefix) {
    if (!marker) { return SOLID.none; }
    if (marker.kind === "covered") {
      var scale = marker.scale || 1;
      return scale >= 1.6 ? SOLID.covered3 : (scale >= 1.3 ? SOLID.covered2 : SOLID.covered1);
    }
    return "url(#" + prefix + marker.kind + ")";
  }

  // "Kiel, Landeshauptstadt" -> "Kiel": the label on the map is short, the tooltip says it all.
  function shortName(name) {
    var comma = name.indexOf(",");
    return comma > 0 ? name.slice(0, comma) : name;
  }

  // Names that would overlap a name shown already (larger districts first) are hidden.
  function declutter(labels) {
    var shown = [];
    labels.getLayers().forEach(function (tip) {
      var node = tip.getElement();
      if (!node) { return; }
      node.classList.remove("map-label--hidden");
      var box = node.getBoundingClientRect();
      var clash = shown.some(function (b) {
        return box.left < b.right + 2 && box.right + 2 > b.left && box.top < b.bottom && box.bottom > b.top;
      });
      if (clash) { node.classList.add("map-label--hidden"); } else { shown.push(box); }
    });
  }

  function remember(fig, map) {
    var c = map.getCenter();
    fig.setAttribute("data-zoom", String(map.getZoom()));
    fig.setAttribute("data-center", c.lat.toFixed(4) + "," + c.lng.toFixed(4));
  }

  // Focus the list entry number n (the numbers of the list and the markers agree).
  function openEntry(fig, n) {
    var scope = fig.closest(".results-with-map") || document;
    var list = scope.querySelector("ol.results") || document.querySelector("ol.results");
    if (!list) { return; }
    var start = parseInt(list.getAttribute("start") || "1", 10);
    var entry = list.children[n - start];
    if (!entry) { return; }
    Array.prototype.forEach.call(list.querySelectorAll(".result--current"), function (li) {
      li.classList.remove("result--current");
    });
    entry.classList.add("result--current");
    entry.setAttribute("tabindex", "-1");
    entry.focus();
  }

  function resultMarkers(fig, map, data) {
    var cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 45,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: function (group) {
        var numbers = group.getAllChildMarkers().map(function (m) { return m.entryNumber; });
        numbers.sort(function (a, b) { return a - b; });
        var html = el("span");
        html.appendChild(el("span", "visually-hidden",
          "Gruppe mit " + numbers.length + " Einträgen der Liste (Nummern " + numbers.join(", ") +
          "): Karte vergrößern"));
        var count = el("span", "", String(numbers.length));
        count.setAttribute("aria-hidden", "true");
        html.appendChild(count);
        return L.divIcon({ html: html, className: "map-cluster", iconSize: [38, 38] });
      }
    });
    var bounds = [];
    data.markers.forEach(function (m) {
      if (m.lat === undefined || m.lon === undefined) { return; }
      bounds.push([m.lat, m.lon]);
      if (m.kind === "place") {
        L.marker([m.lat, m.lon], {
          icon: L.divIcon({ className: "map-place", html: el("span", "map-place__shape"), iconSize: [20, 20] }),
          keyboard: false,
          interactive: false,
          zIndexOffset: 1000
        }).bindTooltip("Wohnort", {
          permanent: true, direction: "right", offset: [8, 0], className: "map-label map-label--place"
        }).addTo(map);
        return;
      }
      var html = el("span");
      html.appendChild(el("span", "visually-hidden", (m.title || m.label) + ": Eintrag in der Liste zeigen"));
      var number = el("span", "", m.label);
      number.setAttribute("aria-hidden", "true");
      html.appendChild(number);
      var marker = L.marker([m.lat, m.lon], {
        icon: L.divIcon({ html: html, className: "map-pin", iconSize: [30, 30] }),
        keyboard: true,
        riseOnHover: true
      });
      marker.entryNumber = parseInt(m.label, 10);
      marker.bindTooltip(m.title || m.label, { direction: "top", offset: [0, -14], className: "map-tip" });
      marker.on("click", function () { openEntry(fig, marker.entryNumber); });
      marker.on("keypress", function (e) {
        var key = e.originalEvent && e.originalEvent.key;
        if (key === "Enter" || key === " ") { openEntry(fig, marker.entryNumber); }
      });
      cluster.addLayer(marker);
    });
    map.addLayer(cluster);
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [40, 40], maxZoom: 10, animate: false });
    }
  }

  function drawDistricts(fig, map, geo, data) {
    var coverage = fig.getAttribute("data-map") === "coverage";
    var focus = fig.getAttribute("data-focus-state") || "";
    var prefix = fig.id + "-";
    var byKey = {};
    data.markers.forEach(function (m) { if (m.key) { byKey[m.key] = m; } });
    var labels = L.layerGroup();
    var named = [];
    var focusBounds = null;
    var layer = L.geoJSON(geo, {
      style: function (feature) {
        var p = feature.properties;
        var m = byKey[p.key];
        var dim = focus && p.state !== focus;
        var kind = coverage ? (m ? m.kind : "none") : "plain";
        var style = {
          className: "district district-" + p.key + " district--" + kind + (dim ? " district--dim" : ""),
          color: "#4a4a4a",
          weight: 0.8,
          opacity: 1,
          fillColor: coverage ? fillOf(m, prefix) : "#f7f7f2",
          fillOpacity: coverage ? (dim ? 0.35 : 1) : 1
        };
        if (coverage && m && m.ring) {  // unmet need recorded (rule N7): a heavy dashed border
          style.color = "#1b1b1b";
          style.weight = 2.5;
          style.dashArray = "5 3";
        }
        return style;
      },
      onEachFeature: function (feature, district) {
        var p = feature.properties;
        var m = byKey[p.key];
        district.bindTooltip(coverage && m && m.title ? m.title : p.name, { sticky: true, className: "map-tip" });
        if (p.label) {
          var b = district.getBounds();
          named.push({
            size: (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest()),
            tip: L.tooltip({ direction: "center", className: "map-label", opacity: 1 })
              .setLatLng([p.label[1], p.label[0]])
              .setContent(shortName(p.name))
          });
        }
        if (focus && p.state === focus) {
          focusBounds = focusBounds ? focusBounds.extend(district.getBounds()) : district.getBounds();
        }
      }
    });
    named.sort(function (a, b) { return b.size - a.size; });
    named.forEach(function (n) { labels.addLayer(n.tip); });
    layer.addTo(map);
    layer.bringToBack();
    if (coverage) {
      addPatterns(map.getPanes().overlayPane.querySelector("svg"), prefix);
      if (focusBounds) { map.fitBounds(focusBounds, { padding: [10, 10], animate: false }); }
    }
    function toggleLabels() {
      if (map.getZoom() >= LABEL_ZOOM) { labels.addTo(map); declutter(labels); } else { labels.remove(); }
    }
    map.on("zoomend moveend", toggleLabels);
    toggleLabels();
    remember(fig, map);
    fig.setAttribute("data-ready", "true");
  }

  function setup(fig) {
    var block = document.getElementById(fig.id + "-data");
    if (!block || !window.L) { return; }
    var data = JSON.parse(block.textContent);
    var canvas = el("div", "map__canvas");
    canvas.setAttribute("role", "region");
    canvas.setAttribute("aria-label", (fig.getAttribute("data-map-title") || "Karte") + " (verschieb- und zoombar)");
    canvas.setAttribute("aria-describedby", fig.id + "-help");
    fig.insertBefore(canvas, fig.firstChild);
    fig.classList.add("map--live");
    var help = document.getElementById(fig.id + "-help");
    if (help) { help.hidden = false; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-legend-for='" + fig.id + "']"), function (node) {
      node.hidden = node.getAttribute("data-legend") !== "live";
    });

    var map = L.map(canvas, {
      zoomControl: false,
      zoomSnap: 0.5,
      minZoom: 5,
      maxZoom: 13,
      keyboardPanDelta: 100,
      maxBounds: L.latLngBounds(GERMANY).pad(0.4)
    });
    L.control.zoom({ zoomInTitle: "Vergrößern", zoomOutTitle: "Verkleinern" }).addTo(map);
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("Kreisgrenzen © GeoBasis-DE / BKG 2016");
    map.on("moveend zoomend", function () { remember(fig, map); });
    map.fitBounds(GERMANY, { animate: false });
    if (fig.getAttribute("data-map") === "results") { resultMarkers(fig, map, data); }
    remember(fig, map);

    fetch(DISTRICTS, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (geo) { drawDistricts(fig, map, geo, data); })
      .catch(function () { fig.setAttribute("data-ready", "no-districts"); });
  }

  ready(function () {
    if (!window.L) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("figure[data-map]"), setup);
  });
})();
