/* The widgets' language: the date picker's month and weekday names and select2's messages follow
 * the page's language (data-locale of this script's tag), from this file, not from a CDN.
 * Loaded after the widgets and before Flask-AppBuilder's ab.js has set them up on page ready. */
(function ($) {
  "use strict";
  var script = document.currentScript;
  var locale = (script && script.getAttribute("data-locale")) || "zh_CN";
  if (!$ || locale.split("_")[0] !== "zh") {
    return;
  }

  if ($.fn.datepicker) {
    $.fn.datepicker.dates["zh-CN"] = {
      days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
      daysShort: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
      daysMin: ["日", "一", "二", "三", "四", "五", "六"],
      months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月",
        "十一月", "十二月"],
      monthsShort: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月",
        "12月"],
      today: "今天",
      clear: "清除",
      monthsTitle: "选择月份",
      format: "yyyy-mm-dd",
      titleFormat: "yyyy年mm月",
      weekStart: 1
    };
    $.fn.datepicker.defaults.language = "zh-CN";
  }

  var select2Chinese = {
    errorLoading: function () { return "无法载入结果。"; },
    inputTooLong: function (args) { return "请删除" + (args.input.length - args.maximum) + "个字符"; },
    inputTooShort: function (args) { return "请再输入至少" + (args.minimum - args.input.length) + "个字符"; },
    loadingMore: function () { return "载入更多结果…"; },
    maximumSelected: function (args) { return "最多只能选择" + args.maximum + "项"; },
    noResults: function () { return "未找到结果"; },
    searching: function () { return "搜索中…"; },
    removeAllItems: function () { return "删除所有项目"; },
    removeItem: function () { return "删除项目"; },
    search: function () { return "搜索"; }
  };
  if ($.fn.select2 && $.fn.select2.defaults) {
    $.fn.select2.defaults.set("language", select2Chinese);
  }

  // Flask-AppBuilder's ab.js sets select2 up with an English placeholder on page ready; this
  // handler is registered after it, so it runs after it and sets the boxes up again.
  $(function () {
    if (!$.fn.select2) {
      return;
    }
    // Read-only boxes keep Flask-AppBuilder's set-up.
    $(".my_select2").not(".readonly").each(function () {
      var box = $(this);
      if (box.data("select2")) {
        box.select2("destroy");
      }
      box.select2({placeholder: "请选择", allowClear: true, theme: "bootstrap", language: select2Chinese});
    });
  });
})(window.jQuery);
