package io.tusk.samples;

import io.tusk.io.history.HistoryServer;
import io.tusk.samples.ui.HeldWordCount;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI in a real browser (Debian's headless Chromium through Selenium), as a user opens it:
 * the live UI of a {@code bin/tusk jar} process while its job runs and after it ended, followed
 * from the jobs to the job (its stages as a DAG, its counters) to a stage's task attempts; then the
 * same job in Tusk's history server after the process has ended. What the pages show is checked
 * against the counters the job printed; screenshots of the pages go to
 * {@code target/ui-screenshots}. Chromium is installed by {@code src/test/scripts/chromium.sh}
 * where missing; {@code -Dtusk.browser.skip=true} skips the test.
 */
class WebUiBrowserIT
{
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target/ui-screenshots").toAbsolutePath();

    @TempDir
    Path work;

    private WebDriver browser;
    private Process tusk;

    @BeforeEach
    void openBrowser()
            throws Exception
    {
        org.junit.jupiter.api.Assumptions.assumeFalse(Boolean.getBoolean("tusk.browser.skip"), "tusk.browser.skip=true");
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("Chromium and ChromeDriver (%s, %s), which src/test/scripts/chromium.sh installs from Debian's packages where it can:"
                        + " install chromium and chromium-driver, or skip this test with -Dtusk.browser.skip=true", CHROMIUM, CHROMEDRIVER)
                .isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // no network but loopback here: nothing of Chromium's own may reach out
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--user-data-dir=" + Files.createDirectories(work.resolve("chromium")));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void close()
    {
        if (browser != null) {
            browser.quit();
        }
        if (tusk != null && tusk.isAlive()) {
            tusk.destroyForcibly();
        }
    }

    @Test
    void theLiveUiAndTheHistoryServerShowTheJobItsStagesTasksAndCounters()
            throws Exception
    {
        Path jar = TestProcesses.jar("io/tusk/samples/ui", work.resolve("held.jar"), HeldWordCount.class.getName());
        Path letMapsGo = work.resolve("maps.go");
        Path letDriverExit = work.resolve("exit.go");
        Path events = work.resolve("events");
        Path log = work.resolve("tusk.log");
        List<String> command = new ArrayList<>(TestProcesses.tusk("jar"));
        command.addAll(List.of(jar.toString(), TestProcesses.HOME.resolve("samples/data/words").toString(), work.resolve("out").toString(),
                letMapsGo.toString(), letDriverExit.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("TUSK_HEAP", "512m");
        // a temporary directory of its own: no other test's process shares its spill directories or job ids
        Path temporary = Files.createDirectories(work.resolve("tmp"));
        builder.environment().put("TUSK_OPTS", TestProcesses.QUICK_JIT + " -Dtusk.history.dir=" + events + " -Djava.io.tmpdir=" + temporary);
        tusk = builder.start();
        String ui = awaitLog(log, Pattern.compile("Tusk UI: (http://127\\.0\\.0\\.1:[0-9]+/)")).group(1);

        // the job runs: its maps wait
        browser.get(ui);
        WebElement row = await(By.xpath("//table[@id='jobs']//tr[td[contains(., 'held word count')]]"));
        await(By.xpath("//table[@id='jobs']//tr[td[contains(., 'held word count')]]//span[contains(@class, 'RUNNING')]"));
        screenshot("1-jobs-running");
        String jobId = row.getAttribute("data-job");
        row.findElement(By.linkText("held word count")).click();
        await(By.id("stages"));
        assertThat(browser.findElements(By.cssSelector("svg.dag g[data-stage]"))).as("stages in the DAG").hasSize(2);
        assertThat(browser.findElements(By.cssSelector("svg.dag path.edge"))).as("the edge from the map stage to the reduce stage").hasSize(1);
        WebElement mapStage = browser.findElements(By.cssSelector("#stages tbody tr")).get(0);
        assertThat(mapStage.getText()).contains("shuffle map");
        mapStage.findElement(By.tagName("a")).click();
        await(By.id("attempts"));
        await(By.xpath("//table[@id='attempts']//tr[td/span[contains(@class, 'RUNNING')]][2]"));
        assertThat(browser.findElements(By.cssSelector("#attempts tbody tr"))).hasSize(2)
                .allSatisfy(attempt -> assertThat(attempt.getText()).contains("RUNNING").contains("localhost"));
        screenshot("2-stage-running");

        // the job ends; the process still serves the UI
        Files.createFile(letMapsGo);
        String ended = awaitLog(log, Pattern.compile("held word count ended")).group();
        assertThat(ended).isNotEmpty();
        String printed = Files.readString(log, StandardCharsets.UTF_8);
        long inputRecords = counter(printed, "Map input records");
        long outputRecords = counter(printed, "Reduce output records");
        browser.navigate().to(ui + "#/job/" + jobId);
        await(By.xpath("//dd[@id='job-state']/span[contains(@class, 'SUCCEEDED')]"));
        assertThat(counterCell("Map-Reduce Framework/Map input records")).isEqualTo(String.format(Locale.US, "%,d", inputRecords));
        assertThat(counterCell("Map-Reduce Framework/Reduce output records")).isEqualTo(String.format(Locale.US, "%,d", outputRecords));
        screenshot("3-job-finished");
        browser.navigate().to(ui + "#/memory");
        await(By.cssSelector("#memory td[data-memory='budget']"));
        screenshot("4-memory");

        Files.createFile(letDriverExit);
        assertThat(tusk.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(tusk.exitValue()).as(Files.readString(log)).isZero();

        // after the process: the history server
        try (HistoryServer server = HistoryServer.start(new Configuration(), new org.apache.hadoop.fs.Path(events.toUri()), InetAddress.getLoopbackAddress(),
                0)) {
            browser.get(server.uri().toString());
            WebElement historic = await(By.xpath("//table[@id='jobs']//tr[td[contains(., 'held word count')]]"));
            assertThat(historic.getText()).contains("SUCCEEDED").contains("MapReduce");
            historic.findElement(By.linkText("held word count")).click();
            await(By.id("counters"));
            assertThat(counterCell("Map-Reduce Framework/Map input records")).isEqualTo(String.format(Locale.US, "%,d", inputRecords));
            screenshot("5-history-job");
            browser.findElements(By.cssSelector("#stages tbody tr")).get(1).findElement(By.tagName("a")).click();
            await(By.id("attempts"));
            assertThat(browser.findElements(By.cssSelector("#attempts tbody tr"))).hasSize(2)
                    .allSatisfy(attempt -> assertThat(attempt.getText()).contains("SUCCEEDED").contains("localhost"));
            screenshot("6-history-stage");
        }
    }

    private String counterCell(String counter)
    {
        return await(By.cssSelector("td[data-counter='" + counter + "']")).getText();
    }

    private static long counter(String log, String name)
    {
        Matcher matcher = Pattern.compile(Pattern.quote(name) + "=([0-9]+)").matcher(log);
        assertThat(matcher.find()).as("%s in%n%s", name, log).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private WebElement await(By what)
    {
        try {
            return new WebDriverWait(browser, Duration.ofSeconds(60)).until(driver -> {
                List<WebElement> found = driver.findElements(what);
                return found.isEmpty() ? null : found.get(0);
            });
        }
        catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no " + what + " within 60 s; " + diagnostics(), e);
        }
    }

    /** What the page, the process's log and its threads show, for a failure's message. */
    private String diagnostics()
    {
        StringBuilder text = new StringBuilder();
        try {
            text.append("page ").append(browser.getCurrentUrl()).append(":\n").append(browser.findElement(By.tagName("body")).getText());
        }
        catch (RuntimeException e) {
            text.append("no page: ").append(e);
        }
        try {
            text.append("\n\nlog of bin/tusk:\n").append(Files.readString(work.resolve("tusk.log"), StandardCharsets.UTF_8));
        }
        catch (java.io.IOException e) {
            text.append("\n\nno log: ").append(e);
        }
        if (tusk != null) {
            // the launcher's JVM (itself or its child): its threads say what the job waits for
            java.util.stream.Stream.concat(java.util.stream.Stream.of(tusk.toHandle()), tusk.descendants()).filter(process -> process.info().command().orElse("").endsWith("java")).forEach(java -> {
                try {
                    Path threads = work.resolve("threads-" + java.pid() + ".txt");
                    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(java.pid()), "Thread.print")
                            .redirectErrorStream(true).redirectOutput(threads.toFile()).start();
                    if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                        jcmd.destroyForcibly();
                    }
                    text.append("\n\nthreads of ").append(java.pid()).append(":\n").append(Files.readString(threads, StandardCharsets.UTF_8));
                }
                catch (java.io.IOException | InterruptedException e) {
                    text.append("\n\nno threads of ").append(java.pid()).append(": ").append(e);
                }
            });
        }
        return text.toString();
    }

    private void screenshot(String name)
            throws java.io.IOException
    {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private Matcher awaitLog(Path log, Pattern pattern)
            throws Exception
    {
        for (long until = System.currentTimeMillis() + 120_000; System.currentTimeMillis() < until; Thread.sleep(50)) {
            Matcher matcher = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (matcher.find()) {
                return matcher;
            }
            if (!tusk.isAlive()) {
                break;
            }
        }
        throw new AssertionError("no " + pattern + " in " + Files.readString(log, StandardCharsets.UTF_8));
    }
}
