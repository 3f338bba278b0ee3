// Long names in table cells (setting keys, dotted handler paths) may wrap after "_" and ".",
// never in the middle of a word: the settings summary stays inside the content column at
// 1280 px without breaking "HANDLER" into "HANDLE R". Served with the site; nothing is fetched.
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset table code").forEach(function (code) {
    if (code.children.length || !/[_.]/.test(code.textContent)) {
      return;
    }
    var parts = code.textContent.split(/(?<=[_.])/);
    code.textContent = "";
    code.classList.add("wraps-at-separators");
    parts.forEach(function (part, index) {
      if (index) {
        code.appendChild(document.createElement("wbr"));
      }
      code.appendChild(document.createTextNode(part));
    });
  });
});
