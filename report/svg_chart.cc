#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/tearsheet.h"

namespace tape::svg {
namespace {

constexpr double kLeft = 78, kRight = 18, kTop = 14, kBottom = 34;

std::string f2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

struct Frame {
  double w, h, x0, x1, y0, y1;
  double px(double x) const {
    return x1 > x0 ? kLeft + (x - x0) / (x1 - x0) * (w - kLeft - kRight) : kLeft;
  }
  double py(double y) const {
    return y1 > y0 ? kTop + (y1 - y) / (y1 - y0) * (h - kTop - kBottom) : h - kBottom;
  }
};

// Grid lines and labels of the y axis; widens [lo, hi] to whole steps.
std::string y_axis(Frame& f, const std::function<std::string(double)>& fmt) {
  double lo = f.y0, hi = f.y1;
  if (hi <= lo) {
    const double pad = std::max(std::fabs(hi) * 0.05, 1e-9);
    lo -= pad;
    hi += pad;
  }
  const double step = nice_step(hi - lo, 5);
  f.y0 = std::floor(lo / step) * step;
  f.y1 = std::ceil(hi / step) * step;
  std::string o;
  for (double v = f.y0; v <= f.y1 + step * 0.5; v += step) {
    const double y = f.py(v);
    o += "<line x1='" + f2(kLeft) + "' y1='" + f2(y) + "' x2='" + f2(f.w - kRight) + "' y2='" +
         f2(y) + "' class='grid'/>";
    o += "<text x='" + f2(kLeft - 8) + "' y='" + f2(y + 4) + "' class='ylab'>" +
         html_text(fmt ? fmt(std::fabs(v) < step * 1e-9 ? 0.0 : v) : f2(v)) + "</text>";
  }
  return o;
}

std::string frame_lines(const Frame& f) {
  return "<line x1='" + f2(kLeft) + "' y1='" + f2(f.h - kBottom) + "' x2='" + f2(f.w - kRight) +
         "' y2='" + f2(f.h - kBottom) + "' class='axis'/><line x1='" + f2(kLeft) + "' y1='" +
         f2(kTop) + "' x2='" + f2(kLeft) + "' y2='" + f2(f.h - kBottom) + "' class='axis'/>";
}

std::string svg_open(double w, double h, const std::string& label) {
  return "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 " + f2(w) + " " + f2(h) +
         "' role='img' aria-label='" + html_text(label) + "' class='chart'>";
}

std::string triangle(double x, double y, bool up) {
  const double s = 5.5;
  if (up) {
    return f2(x) + "," + f2(y + s * 1.6) + " " + f2(x - s) + "," + f2(y + s * 3.2) + " " +
           f2(x + s) + "," + f2(y + s * 3.2);
  }
  return f2(x) + "," + f2(y - s * 1.6) + " " + f2(x - s) + "," + f2(y - s * 3.2) + " " + f2(x + s) +
         "," + f2(y - s * 3.2);
}

}  // namespace

std::vector<size_t> downsample(const std::vector<double>& y, size_t max_points) {
  std::vector<size_t> out;
  if (y.size() <= max_points || max_points < 4) {
    for (size_t i = 0; i < y.size(); ++i) out.push_back(i);
    return out;
  }
  const size_t buckets = max_points / 4;
  for (size_t b = 0; b < buckets; ++b) {
    const size_t lo = y.size() * b / buckets, hi = y.size() * (b + 1) / buckets;
    if (lo >= hi) continue;
    size_t mn = lo, mx = lo;
    for (size_t i = lo; i < hi; ++i) {
      if (y[i] < y[mn]) mn = i;
      if (y[i] > y[mx]) mx = i;
    }
    size_t pick[4] = {lo, std::min(mn, mx), std::max(mn, mx), hi - 1};
    for (size_t p : pick) {
      if (out.empty() || out.back() < p) out.push_back(p);
    }
  }
  return out;
}

double nice_step(double range, int ticks) {
  if (!(range > 0)) return 1;
  const double raw = range / ticks;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

std::string line_chart(const LineChart& c) {
  Frame f{c.width, c.height, 0, 0, 0, 0};
  bool first = true;
  for (const Series& s : c.series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (first) {
        f.x0 = f.x1 = s.x[i];
        f.y0 = f.y1 = s.y[i];
        first = false;
      }
      f.x0 = std::min(f.x0, s.x[i]);
      f.x1 = std::max(f.x1, s.x[i]);
      f.y0 = std::min(f.y0, s.y[i]);
      f.y1 = std::max(f.y1, s.y[i]);
    }
  }
  for (const Marker& m : c.markers) {
    f.y0 = std::min(f.y0, m.y);
    f.y1 = std::max(f.y1, m.y);
  }
  if (c.include_zero) {
    f.y0 = std::min(f.y0, 0.0);
    f.y1 = std::max(f.y1, 0.0);
  }
  std::string o = svg_open(c.width, c.height, c.aria_label);
  o += y_axis(f, c.y_format);
  for (const AxisLabel& l : c.x_labels) {
    const double x = f.px(l.x);
    o += "<line x1='" + f2(x) + "' y1='" + f2(f.h - kBottom) + "' x2='" + f2(x) + "' y2='" +
         f2(f.h - kBottom + 5) + "' class='axis'/><text x='" + f2(x) + "' y='" +
         f2(f.h - kBottom + 19) + "' class='xlab'>" + html_text(l.text) + "</text>";
  }
  for (const Series& s : c.series) {
    if (s.x.empty()) continue;
    std::string pts;
    for (size_t i = 0; i < s.x.size(); ++i) {
      pts += (i ? " " : "") + f2(f.px(s.x[i])) + "," + f2(f.py(s.y[i]));
    }
    if (s.fill_to_zero) {
      const double zero = f.py(std::clamp(0.0, f.y0, f.y1));
      o += "<polygon points='" + f2(f.px(s.x.front())) + "," + f2(zero) + " " + pts + " " +
           f2(f.px(s.x.back())) + "," + f2(zero) + "' fill='" + s.color + "' fill-opacity='0.18'/>";
    }
    o += "<polyline points='" + pts + "' fill='none' stroke='" + s.color + "' stroke-width='" +
         f2(s.width) + "' stroke-linejoin='round'/>";
  }
  for (const Marker& m : c.markers) {
    o += "<polygon points='" + triangle(f.px(m.x), f.py(m.y), m.up) + "' fill='" + m.color +
         "' class='marker'><title>" + html_text(m.title) + "</title></polygon>";
  }
  double lx = kLeft + 10;
  for (const Series& s : c.series) {
    if (s.name.empty()) continue;
    o += "<rect x='" + f2(lx) + "' y='" + f2(kTop + 4) + "' width='14' height='4' fill='" +
         s.color + "'/><text x='" + f2(lx + 20) + "' y='" + f2(kTop + 10) + "' class='legend'>" +
         html_text(s.name) + "</text>";
    lx += 28 + 7.5 * static_cast<double>(s.name.size());
  }
  return o + frame_lines(f) + "</svg>";
}

std::string histogram(const std::vector<Bar>& bars,
                      const std::function<std::string(double)>& x_format,
                      const std::string& aria_label, double width, double height) {
  std::string o = svg_open(width, height, aria_label);
  if (bars.empty()) return o + "</svg>";
  Frame f{width, height, bars.front().lo, bars.back().hi, 0, 0};
  for (const Bar& b : bars) f.y1 = std::max(f.y1, b.count);
  o += y_axis(f, [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return std::string(buf);
  });
  for (const Bar& b : bars) {
    const double x0 = f.px(b.lo) + 1, x1 = f.px(b.hi) - 1;
    const double y = f.py(b.count);
    o += "<rect x='" + f2(x0) + "' y='" + f2(y) + "' width='" + f2(std::max(x1 - x0, 1.0)) +
         "' height='" + f2(f.h - kBottom - y) + "' fill='" + b.color + "' rx='2'><title>" +
         html_text(b.title) + "</title></rect>";
  }
  // Labels at round values (multiples of a 1-2-5 step), not at arbitrary bin edges.
  const double step = nice_step(f.x1 - f.x0, 6);
  for (double v = std::ceil(f.x0 / step) * step; v <= f.x1 + step * 1e-9; v += step) {
    const double x = f.px(v);
    o += "<line x1='" + f2(x) + "' y1='" + f2(f.h - kBottom) + "' x2='" + f2(x) + "' y2='" +
         f2(f.h - kBottom + 5) + "' class='axis'/><text x='" + f2(x) + "' y='" +
         f2(f.h - kBottom + 19) + "' class='xlab'>" +
         html_text(x_format(std::fabs(v) < step * 1e-9 ? 0.0 : v)) + "</text>";
  }
  if (f.x0 < 0 && f.x1 > 0) {
    o += "<line x1='" + f2(f.px(0)) + "' y1='" + f2(kTop) + "' x2='" + f2(f.px(0)) + "' y2='" +
         f2(f.h - kBottom) + "' class='zero'/>";
  }
  return o + frame_lines(f) + "</svg>";
}

}  // namespace tape::svg
