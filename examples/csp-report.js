// Shows every Content-Security-Policy violation the page reports, so a reader
// of strict-csp.html sees at a glance that the element needed none.
const report = document.getElementById('csp-report');
let count = 0;
document.addEventListener('securitypolicyviolation', event => {
  count++;
  if (report) report.textContent = `${count} CSP violation(s); last: ${event.effectiveDirective} ${event.blockedURI}`;
});
