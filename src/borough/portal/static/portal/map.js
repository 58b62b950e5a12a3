/*
 * Borough's maps, drawn with Leaflet when JavaScript runs (progressive enhancement: without
 * JavaScript the map stays hidden and every page has another way to say where).
 *
 * The map has no tiles of its own. It draws the councils' boundaries and wards from
 * /map/areas.json and public reports from /map/reports.json. When the council configures a
 * tile server (MAP_TILE_URL, with MAP_TILE_ATTRIBUTION), its tiles are drawn beneath.
 *
 * Each map is a `[data-borough-map]` element (see portal/templates/portal/map.html) whose
 * mode is:
 *   pin      clicking or tapping places a draggable pin that fills the hidden latitude and
 *            longitude inputs; Enter or Space on the focused map places it in the middle;
 *   reports  public reports around a point; clicking looks for reports around that place;
 *   report   one report's place.
 */
(function () {
  "use strict";

  if (!window.L || !window.fetch || !document.querySelectorAll) {
    return;
  }
  var L = window.L;

  var COUNCIL_STYLE = { color: "#0b0c0c", weight: 3, fill: false, interactive: false };
  var WARD_STYLE = {
    color: "#505a5f",
    weight: 1,
    dashArray: "4 4",
    fillColor: "#ffffff",
    fillOpacity: 0.35,
    interactive: false
  };
  var OPEN_REPORT_STYLE = {
    radius: 8,
    color: "#ffffff",
    weight: 2,
    fillColor: "#1d70b8",
    fillOpacity: 1,
    bubblingMouseEvents: false
  };
  var CLOSED_REPORT_STYLE = {
    radius: 7,
    color: "#ffffff",
    weight: 2,
    fillColor: "#505a5f",
    fillOpacity: 1,
    bubblingMouseEvents: false
  };
  // The whole UK, when nothing better is known.
  var UK_CENTRE = [54.5, -3.0];

  function numbers(text) {
    if (!text) {
      return null;
    }
    var values = text.split(",").map(Number);
    for (var i = 0; i < values.length; i++) {
      if (!isFinite(values[i])) {
        return null;
      }
    }
    return values;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function getJSON(url) {
    return window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      });
  }

  function drawAreas(map, url) {
    return getJSON(url)
      .then(function (collection) {
        var wards = [];
        var councils = [];
        (collection.features || []).forEach(function (feature) {
          (feature.properties && feature.properties.kind === "council" ? councils : wards).push(
            feature
          );
        });
        L.geoJSON(wards, { style: WARD_STYLE, interactive: false }).addTo(map).bringToBack();
        L.geoJSON(councils, { style: COUNCIL_STYLE, interactive: false }).addTo(map);
      })
      .catch(function () {
        // The map still works without the boundaries.
      });
  }

  // The words the map shows, from the template's data-text-* attributes (translated there);
  // English when a page has none.
  var TEXT = {
    textPinAlt: "Pin on the map",
    textPinTitle: "Drag the pin to move it",
    textPinPlaced: "Pin placed on the map. Continue to use it, or click again to move it.",
    textPinRemoved: "Pin removed: the address you chose will be used.",
    textReported: "{status}, reported {date}"
  };

  function textsFrom(dataset) {
    Object.keys(TEXT).forEach(function (key) {
      if (dataset[key]) {
        TEXT[key] = dataset[key];
      }
    });
  }

  function reportPopup(properties) {
    var box = element("div", "borough-map__popup");
    var link = element("a", "govuk-link", properties.title || properties.reference);
    link.href = properties.url;
    box.appendChild(link);
    box.appendChild(
      element(
        "p",
        "govuk-body-s",
        TEXT.textReported
          .replace("{status}", properties.status || "")
          .replace("{date}", properties.reported || "")
      )
    );
    return box;
  }

  function drawReports(map, url) {
    return getJSON(url)
      .then(function (collection) {
        L.geoJSON(collection, {
          pointToLayer: function (feature, latlng) {
            var open = feature.properties && feature.properties.open;
            return L.circleMarker(latlng, open ? OPEN_REPORT_STYLE : CLOSED_REPORT_STYLE);
          },
          onEachFeature: function (feature, layer) {
            layer.bindPopup(reportPopup(feature.properties || {}));
          }
        }).addTo(map);
      })
      .catch(function () {
        // The reports are listed on the page too.
      });
  }

  function pinMode(wrapper, map, canvas, status) {
    var data = wrapper.dataset;
    var latitude = document.getElementById(data.latitudeInput);
    var longitude = document.getElementById(data.longitudeInput);
    if (!latitude || !longitude) {
      return;
    }
    var pin = null;

    function uprnSelect() {
      // Looked up each time: the list of addresses is there only after "Find address".
      return data.uprnInput ? document.getElementById(data.uprnInput) : null;
    }

    function fill(latlng) {
      latitude.value = latlng.lat.toFixed(6);
      longitude.value = latlng.lng.toFixed(6);
    }

    function show(latlng) {
      if (pin) {
        pin.setLatLng(latlng);
        return;
      }
      pin = L.marker(latlng, {
        draggable: true,
        keyboard: false,
        alt: TEXT.textPinAlt,
        title: TEXT.textPinTitle
      }).addTo(map);
      pin.on("dragend", function () {
        place(pin.getLatLng());
      });
    }

    function place(latlng) {
      show(latlng);
      fill(latlng);
      var select = uprnSelect();
      if (select && select.value) {
        // The pin is used instead of the address chosen.
        select.value = "";
      }
      status.textContent = TEXT.textPinPlaced;
    }

    var initial = numbers(data.pin);
    if (initial) {
      show(L.latLng(initial[0], initial[1]));
    }
    map.on("click", function (event) {
      place(event.latlng);
    });
    canvas.addEventListener("keydown", function (event) {
      if (event.target !== canvas) {
        return;
      }
      if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
        event.preventDefault();
        place(map.getCenter());
      }
    });
    document.addEventListener("change", function (event) {
      var select = uprnSelect();
      if (event.target === select && select.value && pin) {
        map.removeLayer(pin);
        pin = null;
        latitude.value = "";
        longitude.value = "";
        status.textContent = TEXT.textPinRemoved;
      }
    });
  }

  function reportsMode(wrapper, map) {
    var browse = wrapper.dataset.browseUrl;
    if (!browse) {
      return;
    }
    map.on("click", function (event) {
      window.location.href =
        browse +
        "?latitude=" +
        event.latlng.lat.toFixed(6) +
        "&longitude=" +
        event.latlng.lng.toFixed(6) +
        "#results";
    });
  }

  function setUp(wrapper) {
    var data = wrapper.dataset;
    textsFrom(data);
    var canvas = wrapper.querySelector(".borough-map__canvas");
    var status = wrapper.querySelector(".borough-map__status");
    if (!canvas || !status) {
      return;
    }
    wrapper.hidden = false;
    var map = L.map(canvas, { scrollWheelZoom: false, zoomSnap: 0.5 });
    map.attributionControl.setPrefix("Leaflet");
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, {
        maxZoom: 19,
        // Plain text: the attribution is shown as written, never as HTML.
        attribution: element("span", "", data.tileAttribution || "").innerHTML
      }).addTo(map);
    } else {
      wrapper.classList.add("borough-map--no-tiles");
    }
    var centre = numbers(data.centre);
    var bounds = numbers(data.bounds);
    if (centre) {
      map.setView(centre, Number(data.zoom) || 15);
    } else if (bounds && bounds.length === 4) {
      map.fitBounds([
        [bounds[0], bounds[1]],
        [bounds[2], bounds[3]]
      ]);
    } else {
      map.setView(UK_CENTRE, 6);
    }
    drawAreas(map, data.areasUrl);
    if (data.reportsUrl) {
      drawReports(map, data.reportsUrl);
    }
    var mode = data.boroughMap;
    if (mode === "pin") {
      pinMode(wrapper, map, canvas, status);
    } else if (mode === "reports") {
      reportsMode(wrapper, map);
    } else if (mode === "report") {
      var point = numbers(data.pin);
      if (point) {
        L.marker(point, { keyboard: false, interactive: false, alt: "" }).addTo(map);
      }
    }
    wrapper.boroughMap = map;
  }

  function setUpAll() {
    var wrappers = document.querySelectorAll("[data-borough-map]");
    for (var i = 0; i < wrappers.length; i++) {
      setUp(wrappers[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
