// Progressive enhancement only: everything works without this file.
document.documentElement.classList.add("js");
document.addEventListener("change", function (event) {
  var box = event.target;
  if (box.matches && box.matches(".facets input[type=checkbox][data-toggle-url]")) {
    window.location.assign(box.getAttribute("data-toggle-url"));
  }
});
