// Progressive enhancement only: everything works without this file.
document.documentElement.classList.add("js");
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches && box.matches(".facets input[type=checkbox][data-toggle-url]")) {
    window.location.assign(box.getAttribute("data-toggle-url"));
  } else if (box.matches && box.matches(".facets input[type=date]") && box.form) {
    box.form.submit();          // the whole form: the query, the ticked values, both dates
  }
});
// Upload form: choosing "a new event" opens its fields.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select.id === "event" && select.form && select.form.classList.contains("upload")) {
    var details = select.form.querySelector("details");
    if (details) { details.open = select.value === "new"; }
  }
});
// Phone: the filters start folded behind their button, above the results.
(function () {
  var filters = document.querySelector("details.filters");
  if (filters && window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
    filters.open = false;
  }
})();
// Forms that apply on change (the events filter): their button is for pages without JS.
document.addEventListener("change", function (event) {
  var form = event.target.form;
  if (form && form.hasAttribute("data-autosubmit")) { form.submit(); }
});
