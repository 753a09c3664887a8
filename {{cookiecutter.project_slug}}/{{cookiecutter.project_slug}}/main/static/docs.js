// Start Swagger UI on the OpenAPI document named by the page (no inline script, so the
// Content-Security-Policy needs no 'unsafe-inline').
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    validatorUrl: null, // no badge from validator.swagger.io: the page makes no outside request
    presets: [SwaggerUIBundle.presets.apis],
  });
});
