/*
 * The round planner's plan page (progressive enhancement: without JavaScript the page has a
 * Refresh link and the tables of figures).
 *
 * `[data-borough-plan-progress]`: while the worker makes the plan, asks its progress URL for
 * JSON every `data-poll-ms` milliseconds, moves the progress bar and says the progress in
 * the polite live region; when the plan is finished (planned or failed) it reloads the page,
 * which then shows the results or the failure.
 *
 * `[data-borough-rounds-map]`: draws the planned rounds (GeoJSON lines from `data-map-url`),
 * the depot and the tip with Leaflet, one colour a round, each round's figures in a popup.
 */
(function () {
  "use strict";

  if (!window.fetch || !document.querySelector) {
    return;
  }

  // Distinct, dark enough to see on the plain ground (GOV.UK colour palette).
  var COLOURS = [
    "#1d70b8",
    "#d4351c",
    "#00703c",
    "#912b88",
    "#f47738",
    "#003078",
    "#5694ca",
    "#b58840",
    "#d53880",
    "#28a197",
    "#4c2c92",
    "#505a5f"
  ];

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

  function watchProgress(box) {
    var url = box.dataset.progressUrl;
    var every = Number(box.dataset.pollMs) || 2000;
    var bar = box.querySelector("progress");
    var text = document.getElementById("plan-progress-text");
    var tag = document.getElementById("plan-status");
    var failures = 0;

    function poll() {
      getJSON(url)
        .then(function (progress) {
          failures = 0;
          if (progress.finished) {
            window.location.reload();
            return;
          }
          if (bar) {
            bar.value = progress.percent;
            bar.textContent = progress.percent + "%";
          }
          if (text && text.textContent !== progress.text) {
            text.textContent = progress.text;
          }
          if (tag) {
            tag.textContent = progress.status_text;
          }
          window.setTimeout(poll, every);
        })
        .catch(function () {
          // Try a few more times, then leave the Refresh link to do it.
          failures += 1;
          if (failures < 5) {
            window.setTimeout(poll, every * 2);
          }
        });
    }

    window.setTimeout(poll, every);
  }

  function roundPopup(properties) {
    var box = element("div", "borough-map__popup");
    box.appendChild(element("strong", "", properties.name + " (" + properties.vehicle + ")"));
    box.appendChild(
      element(
        "p",
        "govuk-body-s",
        properties.properties +
          " properties, " +
          properties.distance +
          " km, " +
          properties.time +
          ", " +
          properties.load +
          " tonnes in " +
          properties.trips +
          (properties.trips === 1 ? " trip" : " trips")
      )
    );
    return box;
  }

  function drawRounds(wrapper) {
    var L = window.L;
    var canvas = wrapper.querySelector(".borough-map__canvas");
    var status = wrapper.querySelector(".borough-map__status");
    if (!L || !canvas || !status) {
      return;
    }
    wrapper.hidden = false;
    var map = L.map(canvas, { scrollWheelZoom: false, zoomSnap: 0.5 });
    map.attributionControl.setPrefix("Leaflet");
    if (wrapper.dataset.tileUrl) {
      wrapper.classList.remove("borough-map--no-tiles");
      L.tileLayer(wrapper.dataset.tileUrl, {
        maxZoom: 19,
        attribution: element("span", "", wrapper.dataset.tileAttribution || "").innerHTML
      }).addTo(map);
    }
    map.setView([54.5, -3.0], 6);
    getJSON(wrapper.dataset.mapUrl)
      .then(function (collection) {
        var rounds = 0;
        var layer = L.geoJSON(collection, {
          style: function (feature) {
            if (!feature.geometry || feature.geometry.type !== "LineString") {
              return {};
            }
            var index = rounds;
            rounds += 1;
            return { color: COLOURS[index % COLOURS.length], weight: 3, opacity: 0.85 };
          },
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, {
              radius: 9,
              color: "#ffffff",
              weight: 2,
              fillColor: "#0b0c0c",
              fillOpacity: 1
            });
          },
          onEachFeature: function (feature, featureLayer) {
            var properties = feature.properties || {};
            if (properties.kind === "round") {
              featureLayer.bindPopup(roundPopup(properties));
            } else {
              featureLayer.bindTooltip(properties.name, { permanent: true, direction: "right" });
            }
          }
        }).addTo(map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [10, 10] });
        }
        status.textContent =
          "The map shows " +
          rounds +
          (rounds === 1 ? " round" : " rounds") +
          ", the depot and the tip. Select a round’s line for its figures.";
      })
      .catch(function () {
        status.textContent = "The map could not be drawn. The table above gives every round.";
      });
  }

  function setUp() {
    var progress = document.querySelector("[data-borough-plan-progress]");
    if (progress) {
      watchProgress(progress);
    }
    var map = document.querySelector("[data-borough-rounds-map]");
    if (map) {
      drawRounds(map);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
