// The device's location for the field officers' page (progressive enhancement).
//
// Each element with data-module="borough-device-location" holds two inputs marked
// data-device-latitude and data-device-longitude, and hidden controls (a button and a
// status line). Where the browser can give a location, the controls are shown; pressing the
// button asks for the location once and fills the two inputs. With data-submit="true" on a
// form, the form is then sent (to show distances from where the officer stands).
// Without JavaScript, or without permission, the page's postcode and street boxes are used.

// The words come from the page (data-message-finding and so on, translated there).
const defaults = {
  finding: "Finding your location…",
  found: "Your location has been added (accurate to about {metres} metres).",
  denied: "Your location could not be used. Enter a postcode or street instead.",
  unavailable: "Your location could not be found. Enter a postcode or street instead.",
};

function init(root) {
  if (!("geolocation" in navigator)) {
    return;
  }
  const latitude = root.querySelector("[data-device-latitude]");
  const longitude = root.querySelector("[data-device-longitude]");
  const controls = root.querySelector("[data-device-location-controls]");
  const button = root.querySelector("[data-device-location-button]");
  const status = root.querySelector("[data-device-location-status]");
  if (!latitude || !longitude || !controls || !button) {
    return;
  }
  const messages = {
    finding: root.dataset.messageFinding || defaults.finding,
    found: root.dataset.messageFound || defaults.found,
    denied: root.dataset.messageDenied || defaults.denied,
    unavailable: root.dataset.messageUnavailable || defaults.unavailable,
  };
  controls.hidden = false;
  const say = (text) => {
    if (status) {
      status.textContent = text;
    }
  };
  button.addEventListener("click", () => {
    button.disabled = true;
    say(messages.finding);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        button.disabled = false;
        say(messages.found.replace("{metres}", String(Math.max(1, Math.round(position.coords.accuracy || 0)))));
        const form = root.closest("form");
        if (root.dataset.submit === "true" && form) {
          // The typed postcode gives way to the device's location.
          const postcode = form.querySelector("input[name='postcode']");
          if (postcode) {
            postcode.value = "";
          }
          form.submit();
        }
      },
      (error) => {
        button.disabled = false;
        say(error.code === error.PERMISSION_DENIED ? messages.denied : messages.unavailable);
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
}

document.querySelectorAll("[data-module='borough-device-location']").forEach(init);
