package io.sluice.checks.report;

import io.sluice.checks.anomaly.PointScore;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Renders a metric series with its expected band and flagged points as a PNG, with XChart. */
final class SeriesChart {
  private static final Color VALUE = new Color(0x1f, 0x4e, 0x79);
  private static final Color EXPECTED = new Color(0x7f, 0x8c, 0x8d);
  private static final Color BAND = new Color(0xd6, 0xe6, 0xf5);
  private static final Color CRITICAL = new Color(0xc0, 0x39, 0x2b);
  private static final Color WARN = new Color(0xe6, 0x7e, 0x22);

  private SeriesChart() {}

  /** A base64 PNG of {@code points}; {@code critical} and {@code warn} are window starts to mark. */
  static String png(String title, String yLabel, List<PointScore> points, Set<Long> critical, Set<Long> warn,
                    int width, int height) throws IOException {
    XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle("window start (UTC)")
        .yAxisTitle(yLabel).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBorderVisible(false);
    chart.getStyler().setPlotGridLinesColor(new Color(0xee, 0xee, 0xee));
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setLegendBorderColor(Color.WHITE);
    chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    chart.getStyler().setDatePattern("MM-dd HH:mm");
    chart.getStyler().setAntiAlias(true);
    chart.getStyler().setMarkerSize(7);
    List<Date> x = new ArrayList<>();
    List<Double> v = new ArrayList<>();
    List<Date> bx = new ArrayList<>();
    List<Double> lo = new ArrayList<>();
    List<Double> hi = new ArrayList<>();
    List<Double> exp = new ArrayList<>();
    double min = Double.POSITIVE_INFINITY;
    for (PointScore p : points) {
      if (!Double.isFinite(p.value())) {
        continue;   // no value, or an infinite sum (Avro sources may hold infinities): nothing to plot
      }
      x.add(new Date(p.timestamp()));
      v.add(p.value());
      min = Math.min(min, p.value());
      if (Double.isFinite(p.lower()) && Double.isFinite(p.upper())) {
        bx.add(new Date(p.timestamp()));
        lo.add(p.lower());
        hi.add(p.upper());
        exp.add(p.expected());
      }
    }
    if (x.isEmpty()) {
      return null;
    }
    double floor = Math.min(min, 0);
    if (!bx.isEmpty()) {
      double clampAt = floor;
      // The band is drawn as a filled upper area with the lower edge painted over in the background colour.
      XYSeries upper = chart.addSeries("normal band", bx, hi);
      upper.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
      upper.setFillColor(BAND);
      upper.setLineColor(BAND);
      upper.setMarker(SeriesMarkers.NONE);
      XYSeries lower = chart.addSeries(" ", bx, lo.stream().map(l -> Math.max(l, clampAt)).toList());
      lower.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
      lower.setFillColor(Color.WHITE);
      lower.setLineColor(BAND);
      lower.setMarker(SeriesMarkers.NONE);
      lower.setShowInLegend(false);
      XYSeries e = chart.addSeries("expected", bx, exp);
      e.setLineColor(EXPECTED);
      e.setLineStyle(new BasicStroke(1.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1, new float[] {4, 3}, 0));
      e.setMarker(SeriesMarkers.NONE);
    }
    XYSeries s = chart.addSeries("observed", x, v);
    s.setLineColor(VALUE);
    s.setLineWidth(1.6f);
    s.setMarker(SeriesMarkers.NONE);
    mark(chart, "critical", points, critical, CRITICAL);
    mark(chart, "warn", points, warn, WARN);
    chart.getStyler().setYAxisMin(floor);
    return Base64.getEncoder().encodeToString(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
  }

  /** A base64 PNG bar chart of record scores over [0, 1] (log counts), bins at or above {@code threshold} marked. */
  static String histogramPng(long[] bins, double threshold, int width, int height) throws IOException {
    org.knowm.xchart.CategoryChart chart = new org.knowm.xchart.CategoryChartBuilder().width(width).height(height)
        .title("Record scores of the last checks run").xAxisTitle("score").yAxisTitle("records (log scale)").build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBorderVisible(false);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setLegendBorderColor(Color.WHITE);
    chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setPlotGridVerticalLinesVisible(false);
    chart.getStyler().setPlotGridLinesColor(new Color(0xee, 0xee, 0xee));
    chart.getStyler().setOverlapped(true);
    chart.getStyler().setXAxisLabelRotation(45);
    List<String> x = new ArrayList<>();
    List<Double> below = new ArrayList<>();
    List<Double> above = new ArrayList<>();
    for (int i = 0; i < bins.length; i++) {
      double lo = (double) i / bins.length;
      x.add(String.format(java.util.Locale.ROOT, "%.2f", lo));
      // Log axes cannot show 0: empty bins are drawn at a tenth of a record, below the axis floor.
      double n = bins[i] == 0 ? 0.1 : bins[i];
      boolean flagged = lo + 1.0 / bins.length > threshold;
      below.add(flagged ? 0.1 : n);
      above.add(flagged ? n : 0.1);
    }
    chart.getStyler().setYAxisMin(0.5);
    chart.addSeries("below threshold", x, below).setFillColor(VALUE);
    chart.addSeries("at or above threshold " + threshold, x, above).setFillColor(WARN);
    return Base64.getEncoder().encodeToString(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
  }

  private static void mark(XYChart chart, String name, List<PointScore> points, Set<Long> windows, Color color) {
    List<Date> mx = new ArrayList<>();
    List<Double> my = new ArrayList<>();
    for (PointScore p : points) {
      if (windows.contains(p.timestamp()) && Double.isFinite(p.value())) {
        mx.add(new Date(p.timestamp()));
        my.add(p.value());
      }
    }
    if (!mx.isEmpty()) {
      XYSeries m = chart.addSeries(name, mx, my);
      m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      m.setMarker(SeriesMarkers.CIRCLE);
      m.setMarkerColor(color);
    }
  }
}
