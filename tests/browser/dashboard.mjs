// Opens a running job's dashboard in Debian's headless chromium (playwright-core), waits until
// its throughput chart has drawn records, saves a screenshot, and checks that the screenshot is
// not blank (pixel variance), that the chart holds a drawn line, and that the page asked nothing
// of any host but the job's own.
//   node dashboard.mjs http://127.0.0.1:PORT/ SCREENSHOT.png
import { chromium } from "playwright-core";

const [url, screenshot] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error("usage: node dashboard.mjs URL SCREENSHOT.png");
  process.exit(2);
}
const origin = new URL(url).origin;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  // As root in a container chromium's sandbox cannot start.
  args: ["--no-sandbox", "--disable-gpu"],
});
let failed = false;
const fail = (message) => {
  console.error("FAIL: " + message);
  failed = true;
};
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const requests = [];
  page.on("request", (request) => requests.push(request.url()));
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });

  await page.goto(url);
  await page.waitForFunction(() => {
    const chart = document.getElementById("c-throughput");
    return chart && Number(chart.dataset.points) >= 6 && Number(chart.dataset.records) > 0;
  }, null, { timeout: 90000 });
  await page.waitForSelector("#commits table", { timeout: 90000 });
  await page.screenshot({ path: screenshot, fullPage: true });

  const recordsIn = await page.textContent("#t-in");
  if (!recordsIn || recordsIn.trim() === "0") fail("the records-in tile shows " + recordsIn);

  // The throughput chart: pixels of the "in" line's colour (#2563eb) beyond its legend swatch.
  const linePixels = await page.evaluate(() => {
    const canvas = document.getElementById("c-throughput");
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - 0x25) < 24 && Math.abs(data[i + 1] - 0x63) < 24 &&
          Math.abs(data[i + 2] - 0xeb) < 24) count++;
    }
    return count;
  });
  const swatch = 10 * 8 * 4;  // the legend's swatch at up to 2x pixel density
  if (linePixels <= swatch) fail(`the throughput chart drew no line (${linePixels} pixels)`);

  // The screenshot, decoded by the browser itself: its luminance must vary.
  const png = (await import("node:fs")).readFileSync(screenshot).toString("base64");
  const variance = await page.evaluate(async (data) => {
    const image = new Image();
    image.src = "data:image/png;base64," + data;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(image, 0, 0);
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0, squares = 0, n = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const y = 0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2];
      sum += y;
      squares += y * y;
      n++;
    }
    const mean = sum / n;
    return squares / n - mean * mean;
  }, png);
  if (!(variance > 100)) fail(`the screenshot looks blank (luminance variance ${variance})`);

  const elsewhere = requests.filter((r) => !r.startsWith("data:") && new URL(r).origin !== origin);
  if (elsewhere.length) fail("requests off the job's host: " + elsewhere.join(", "));
  if (!requests.some((r) => r.startsWith(origin + "/api/job"))) fail("the page never asked api/job");
  if (errors.length) fail("errors in the page: " + errors.join("; "));
  console.log(`dashboard: records in ${recordsIn.trim()}, ${linePixels} line pixels, ` +
              `luminance variance ${variance.toFixed(0)}, ${requests.length} requests, all to ${origin}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
