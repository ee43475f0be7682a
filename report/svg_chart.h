// Inline SVG charts for the tearsheet (report/tearsheet.h): line charts with axes, tick labels
// and markers, and bar histograms. Pure functions of their inputs; doubles only for drawing.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace tape::svg {

struct Series {
  std::vector<double> x, y;  // same length; x increasing
  std::string color = "#2563eb";
  std::string name;  // legend text (escaped by the chart); empty: no legend entry
  double width = 1.6;
  bool fill_to_zero = false;  // shade between the line and y = 0
};

struct Marker {
  double x = 0, y = 0;
  bool up = true;  // a triangle pointing up (entries of longs) or down
  std::string color;
  std::string title;  // tooltip (escaped)
};

struct AxisLabel {
  double x = 0;
  std::string text;
};

struct LineChart {
  double width = 1100, height = 300;
  std::vector<Series> series;
  std::vector<Marker> markers;
  std::vector<AxisLabel> x_labels;
  std::function<std::string(double)> y_format;  // tick label text
  bool include_zero = false;                    // the y range always holds 0
  std::string aria_label;
};

// Indices of at most `max_points` points of `y` that keep its shape: all of them when it is
// short enough, else per bucket of consecutive points its first, lowest, highest and last, in
// index order, without repeats.
std::vector<size_t> downsample(const std::vector<double>& y, size_t max_points);

// 1, 2 or 5 x a power of ten: a step giving about `ticks` intervals over `range`.
double nice_step(double range, int ticks);

std::string line_chart(const LineChart& chart);

struct Bar {
  double lo = 0, hi = 0;  // the bin's edges
  double count = 0;
  std::string color;
  std::string title;
};

// Bars side by side over [first.lo, last.hi], y from 0 to the largest count, with count ticks
// and `x_format` labels at a few edges.
std::string histogram(const std::vector<Bar>& bars,
                      const std::function<std::string(double)>& x_format,
                      const std::string& aria_label, double width = 1100, double height = 260);

}  // namespace tape::svg
