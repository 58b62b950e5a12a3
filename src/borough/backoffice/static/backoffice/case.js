/*
 * The case page's response templates (progressive enhancement). Without JavaScript, the
 * "Use template" button sends the form to be shown again with the template's text filled in.
 * With it, choosing a template fills the text in at once, and choosing a status picks its
 * template (and fills the text in, unless staff have typed something of their own).
 *
 * Each form is a `form[data-borough-templates]` naming a JSON script (from the form's
 * `template_script`): {"texts": {status: {template: text}}, "picks": {status: template}}.
 */
(function () {
  "use strict";

  if (!window.JSON || !document.querySelectorAll) {
    return;
  }

  function setUp(form) {
    var script = document.getElementById(form.getAttribute("data-borough-templates"));
    var status = form.querySelector('select[name$="-status"]');
    var template = form.querySelector('select[name$="-template"]');
    var text = form.querySelector("textarea");
    var button = form.querySelector(".borough-use-template");
    var live = form.querySelector(".borough-template-status");
    if (!script || !status || !template || !text) {
      return;
    }
    var data;
    try {
      data = JSON.parse(script.textContent);
    } catch (error) {
      return;
    }
    // What the text was last filled with: staff's own words are never replaced unasked.
    var filled = null;

    function textFor(templateId) {
      var texts = data.texts[status.value] || data.texts[""] || {};
      return texts[templateId];
    }

    function fill(templateId, announce) {
      var value = textFor(templateId);
      if (value === undefined) {
        return;
      }
      text.value = value;
      filled = value;
      if (live && announce) {
        live.textContent =
          "The text for the resident was filled in from the template. You can change it.";
      }
    }

    template.addEventListener("change", function () {
      if (template.value) {
        fill(template.value, true);
      }
    });

    status.addEventListener("change", function () {
      var picked = data.picks[status.value];
      var untouched = text.value === "" || text.value === filled;
      if (picked) {
        if (untouched) {
          template.value = picked;
          fill(picked, true);
        }
      } else if (template.value && untouched) {
        // The same template, with this status's words in it.
        fill(template.value, false);
      }
    });

    if (button) {
      button.hidden = true;
      button.style.display = "none";
    }
  }

  var forms = document.querySelectorAll("form[data-borough-templates]");
  for (var i = 0; i < forms.length; i++) {
    setUp(forms[i]);
  }
})();
