// Progressive enhancement only: everything works without this file.
document.documentElement.classList.add("js");
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches && box.matches(".facets input[type=checkbox][data-toggle-url]")) {
    window.location.assign(box.getAttribute("data-toggle-url"));
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
