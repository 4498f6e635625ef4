package io.cleave.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.cleave.App;
import io.cleave.Cleave;
import io.cleave.observe.app.Back;
import io.cleave.observe.app.Front;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin endpoint's dashboard in a real headless Chromium, on a {@code single} app under load:
 * every edge shows with its rate and errors, the slowest traces come first, and a click on a failed trace draws its waterfall. Screenshots in
 * {@code target/dashboard-*.png}.
 */
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private static final String CLICK_SLOW_TRACE = "const row = [...document.querySelectorAll('#traces tr.trace')]"
            + ".find(r => r.textContent.includes('Front.run') && r.textContent.includes('failed'));"
            + " if (row) { row.click(); } return !!row;";

    private static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void openBrowser() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            String message = "Chromium or its driver is missing; install them with: apt-get install -y chromium chromium-driver";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message + "; CI=true requires them");
            }
            Assumptions.abort(message);
        }
        profile = Files.createTempDirectory("observe-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void showsEveryEdgeUnderLoadAndTheWaterfallOfAClickedTrace() throws Exception {
        AtomicBoolean loading = new AtomicBoolean(true);
        try (App app = Cleave.app().configText("""
                [app]
                name = "dashboard"
                [observe]
                trace-sample-ratio = 1
                recent-spans = 2000
                """).deployer("single").start()) {
            Front front = app.component(Front.class);
            Back back = app.component(Back.class);
            Thread load = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 100_000 && loading.get(); i++) {
                    front.run(2, 1, 1);
                    if (i % 20 == 0) {
                        back.sleep(30);
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                browser.get(app.endpoints().get("dashboard"));
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                wait.ignoring(StaleElementReferenceException.class); // the tables are redrawn every second

                for (String edge : List.of("Front.run", "Back.echo", "Back.refuse", "Back.fail", "Back.sleep")) {
                    wait.until(b -> rate(b, edge) > 0);
                }
                screenshot("dashboard-edges");
                // Back.fail's errors are shown as errors (read in one step: the row is redrawn every second)
                wait.until(b -> (Boolean) ((JavascriptExecutor) b).executeScript("const row = document.getElementById("
                        + "'edge-dashboard->Back.fail'); return !!row && row.querySelectorAll('td.failed').length > 0;"));

                // the list is redrawn every second: find and click the row in one step, as a user's click is
                wait.until(b -> (Boolean) ((JavascriptExecutor) b).executeScript(CLICK_SLOW_TRACE));
                wait.until(b -> b.findElements(By.cssSelector("#waterfall .bar")).size() == 5);
                screenshot("dashboard-waterfall");

                assertThat(browser.findElement(By.id("waterfall")).getText())
                        .as("Front.run(2, 1, 1) and the four calls it made")
                        .contains("Front.run", "Back.echo", "Back.refuse", "Back.fail");
                assertThat(browser.findElements(By.cssSelector("#waterfall .bar.error"))).as("Back.fail, failed").hasSize(1);
                List<Double> slowest = ((List<?>) ((JavascriptExecutor) browser).executeScript(
                        "return [...document.querySelectorAll('#traces tr.trace')].slice(0, 10)"
                                + ".map(r => parseFloat(r.cells[2].textContent));")).stream()
                        .map(v -> ((Number) v).doubleValue()).toList();
                assertThat(slowest).as("the slowest traces first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
                assertThat(browser.findElement(By.id("traces")).getText()).as("Back.sleep(30), among the slowest")
                        .contains("Back.sleep");
            } finally {
                loading.set(false);
                load.join(10_000);
            }
        }
    }

    private static double rate(WebDriver b, String edge) {
        List<WebElement> rows = b.findElements(By.id("edge-dashboard->" + edge));
        if (rows.isEmpty()) {
            return 0;
        }
        return Double.parseDouble(rows.get(0).findElement(By.cssSelector("td.rate")).getText());
    }

    private static void screenshot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", name + ".png"), png);
    }
}
